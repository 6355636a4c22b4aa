import type { Queryable } from '@ticketing/common';

export type AttemptStatus = 'pending' | 'succeeded' | 'declined' | 'failed';

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

interface AttemptRow {
  id: string;
  order_id: string;
  attempt_no: number;
  idempotency_key: string;
  amount_cents: number;
  currency: string;
  token: string;
  status: AttemptStatus;
  provider_id: string | null;
  created_at: Date;
}

const COLUMNS = 'id, order_id, attempt_no, idempotency_key, amount_cents, currency, token, status, provider_id, created_at';

const toAttempt = (r: AttemptRow): PaymentAttempt => ({
  id: r.id,
  orderId: r.order_id,
  attemptNo: r.attempt_no,
  idempotencyKey: r.idempotency_key,
  amountCents: r.amount_cents,
  currency: r.currency,
  token: r.token,
  status: r.status,
  providerId: r.provider_id,
  createdAt: r.created_at,
});

export async function findLatestAttempt(db: Queryable, orderId: string): Promise<PaymentAttempt | null> {
  const res = await db.query<AttemptRow>(`SELECT ${COLUMNS} FROM payment_attempts WHERE order_id = $1 ORDER BY attempt_no DESC LIMIT 1`, [orderId]);
  return res.rows[0] ? toAttempt(res.rows[0]) : null;
}

export async function insertAttempt(db: Queryable, a: Omit<PaymentAttempt, 'status' | 'providerId' | 'createdAt'>): Promise<PaymentAttempt> {
  const res = await db.query<AttemptRow>(
    `INSERT INTO payment_attempts (id, order_id, attempt_no, idempotency_key, amount_cents, currency, token)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [a.id, a.orderId, a.attemptNo, a.idempotencyKey, a.amountCents, a.currency, a.token],
  );
  return toAttempt(res.rows[0]!);
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
  const res = await db.query<AttemptRow>(
    `SELECT ${COLUMNS} FROM payment_attempts
     WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1::double precision / 1000)
     ORDER BY created_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return res.rows.map(toAttempt);
}
