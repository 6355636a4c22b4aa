import type { Queryable } from '@ticketing/common';

/** One payment of an order with its refund (at most one: a refund is always the whole payment), as stored. */
export interface ReceiptRow {
  paymentId: string;
  paymentAmountCents: number;
  paymentStatus: 'succeeded' | 'refunded';
  paidAt: Date;
  refundId: string | null;
  refundAmountCents: number | null;
  refundStatus: 'pending' | 'succeeded' | null;
  refundCreatedAt: Date | null;
  refundedAt: Date | null;
  /** Whether the order completed (a payouts row is written exactly then): a refund of a completed order is a cancellation after it was paid. */
  orderCompleted: boolean;
}

export async function receiptRowsOfOrder(db: Queryable, orderId: string): Promise<ReceiptRow[]> {
  const res = await db.query<ReceiptRow>(
    `SELECT p.id AS "paymentId", p.amount_cents AS "paymentAmountCents", p.status AS "paymentStatus", p.created_at AS "paidAt",
            r.id AS "refundId", r.amount_cents AS "refundAmountCents", r.status AS "refundStatus",
            r.created_at AS "refundCreatedAt", r.refunded_at AS "refundedAt",
            EXISTS (SELECT 1 FROM payouts po WHERE po.order_id = p.order_id) AS "orderCompleted"
     FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id
     WHERE p.order_id = $1
     ORDER BY p.created_at, p.id`,
    [orderId],
  );
  return res.rows;
}
