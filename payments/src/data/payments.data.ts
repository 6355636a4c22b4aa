import type { Queryable } from '@ticketing/common';
import { selectList } from './select-list';

export type PaymentStatus = 'succeeded' | 'refunded';

export interface Payment {
  id: string;
  orderId: string;
  attemptId: string;
  amountCents: number;
  currency: string;
  providerId: string;
  status: PaymentStatus;
  createdAt: Date;
}

const COLUMNS = selectList<Payment>({
  id: true, orderId: true, attemptId: true, amountCents: true,
  currency: true, providerId: true, status: true, createdAt: true,
});

/** Throws a unique violation (payments_order_id_key) if the order already has a payment. */
export async function insertPayment(db: Queryable, p: Omit<Payment, 'status' | 'createdAt'>): Promise<Payment> {
  const res = await db.query<Payment>(
    `INSERT INTO payments (id, order_id, attempt_id, amount_cents, currency, provider_id)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [p.id, p.orderId, p.attemptId, p.amountCents, p.currency, p.providerId],
  );
  return res.rows[0]!;
}

export async function findPaymentByOrder(db: Queryable, orderId: string): Promise<Payment | null> {
  const res = await db.query<Payment>(`SELECT ${COLUMNS} FROM payments WHERE order_id = $1`, [orderId]);
  return res.rows[0] ?? null;
}

export async function findPayment(db: Queryable, id: string): Promise<Payment | null> {
  const res = await db.query<Payment>(`SELECT ${COLUMNS} FROM payments WHERE id = $1`, [id]);
  return res.rows[0] ?? null;
}

export async function markPaymentRefunded(db: Queryable, id: string): Promise<void> {
  await db.query("UPDATE payments SET status = 'refunded', refunded_at = now() WHERE id = $1", [id]);
}
