import type { Queryable } from '@ticketing/common';
import { selectList } from './select-list';

export type AttemptStatus = 'pending' | 'succeeded' | 'declined' | 'invalid_token';

export interface PaymentAttempt {
  id: string;
  orderId: string;
  attemptNo: number;
  idempotencyKey: string;
  amountCents: number;
  currency: string;
  token: string;
  status: AttemptStatus;
  providerId: string | null;
  createdAt: Date;
}

const COLUMNS = selectList<PaymentAttempt>({
  id: true, orderId: true, attemptNo: true, idempotencyKey: true, amountCents: true,
  currency: true, token: true, status: true, providerId: true, createdAt: true,
});

export async function findLatestAttempt(db: Queryable, orderId: string): Promise<PaymentAttempt | null> {
  const res = await db.query<PaymentAttempt>(`SELECT ${COLUMNS} FROM payment_attempts WHERE order_id = $1 ORDER BY attempt_no DESC LIMIT 1`, [orderId]);
  return res.rows[0] ?? null;
}

export async function insertAttempt(db: Queryable, a: Omit<PaymentAttempt, 'status' | 'providerId' | 'createdAt'>): Promise<PaymentAttempt> {
  const res = await db.query<PaymentAttempt>(
    `INSERT INTO payment_attempts (id, order_id, attempt_no, idempotency_key, amount_cents, currency, token)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [a.id, a.orderId, a.attemptNo, a.idempotencyKey, a.amountCents, a.currency, a.token],
  );
  return res.rows[0]!;
}

/** Ends a pending attempt; false if it had already ended (another request or the reconciler got there first). */
export async function finishAttempt(
  db: Queryable,
  id: string,
  outcome: { status: Exclude<AttemptStatus, 'pending'>; providerId?: string; failureMessage?: string },
): Promise<boolean> {
  const res = await db.query(
    `UPDATE payment_attempts SET status = $2, provider_id = $3, failure_message = $4, updated_at = now()
     WHERE id = $1 AND status = 'pending'`,
    [id, outcome.status, outcome.providerId ?? null, outcome.failureMessage ?? null],
  );
  return res.rowCount === 1;
}

/** Attempts still pending after `olderThanMs`: their request died or lost its answer between charging and storing. */
export async function findStalePendingAttempts(db: Queryable, olderThanMs: number, limit = 50): Promise<PaymentAttempt[]> {
  const res = await db.query<PaymentAttempt>(
    `SELECT ${COLUMNS} FROM payment_attempts
     WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1::double precision / 1000)
     ORDER BY created_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return res.rows;
}
