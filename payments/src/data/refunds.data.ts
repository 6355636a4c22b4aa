import type { Queryable } from '@ticketing/common';
import { selectList } from './select-list';

export interface Refund {
  id: string;
  paymentId: string;
  orderId: string;
  amountCents: number;
  idempotencyKey: string;
  status: 'pending' | 'succeeded';
  providerRefundId: string | null;
  attempts: number;
}

const COLUMNS = selectList<Refund>({
  id: true, paymentId: true, orderId: true, amountCents: true,
  idempotencyKey: true, status: true, providerRefundId: true, attempts: true,
});

/**
 * Records the refund owed for a payment, once: a second call (redelivery, retrier) gets the existing row.
 * `firstRetryAt` is when the periodic retrier may pick it up if nobody finishes it before.
 */
export async function insertRefundOnce(
  db: Queryable,
  r: { id: string; paymentId: string; orderId: string; amountCents: number; idempotencyKey: string; firstRetryAt: Date },
): Promise<Refund> {
  await db.query(
    `INSERT INTO refunds (id, payment_id, order_id, amount_cents, idempotency_key, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING`,
    [r.id, r.paymentId, r.orderId, r.amountCents, r.idempotencyKey, r.firstRetryAt],
  );
  const res = await db.query<Refund>(`SELECT ${COLUMNS} FROM refunds WHERE payment_id = $1`, [r.paymentId]);
  return res.rows[0]!;
}

export async function findRefund(db: Queryable, id: string): Promise<Refund | null> {
  const res = await db.query<Refund>(`SELECT ${COLUMNS} FROM refunds WHERE id = $1`, [id]);
  return res.rows[0] ?? null;
}

/** Marks the refund done; false if it already was (the listener and the retrier may both finish it). */
export async function completeRefund(db: Queryable, id: string, providerRefundId: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE refunds SET status = 'succeeded', provider_refund_id = $2, refunded_at = now(), attempts = attempts + 1, last_error = NULL
     WHERE id = $1 AND status = 'pending'`,
    [id, providerRefundId],
  );
  return res.rowCount === 1;
}

/** Remembers a failed try and when the retrier should try again. */
export async function recordRefundFailure(db: Queryable, id: string, error: string, retryInMs: number): Promise<void> {
  await db.query(
    `UPDATE refunds SET attempts = attempts + 1, last_error = $2,
            next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
     WHERE id = $1 AND status = 'pending'`,
    [id, error.slice(0, 1000), retryInMs],
  );
}

export async function findDueRefunds(db: Queryable, limit = 20): Promise<Refund[]> {
  const res = await db.query<Refund>(
    `SELECT ${COLUMNS} FROM refunds WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1`,
    [limit],
  );
  return res.rows;
}
