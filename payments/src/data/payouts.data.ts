import type { Queryable } from '@ticketing/common';
import { selectList } from './select-list';

export interface Payout {
  orderId: string;
  sellerId: string | null;
  amountCents: number;
  feeCents: number;
  status: 'pending' | 'cancelled';
  createdAt: Date;
  cancelledAt: Date | null;
}

const COLUMNS = selectList<Payout>({ orderId: true, sellerId: true, amountCents: true, feeCents: true, status: true, createdAt: true, cancelledAt: true });

/**
 * The seller's share of a completed order, from the replica's fixed prices, once (a repeat changes nothing). Born
 * cancelled if a refund of the order is already recorded: a refunded order never has a payout due.
 */
export async function insertPayoutOnce(db: Queryable, orderId: string): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO payouts (order_id, seller_id, amount_cents, fee_cents, status, cancelled_at)
     SELECT o.id, o.seller_id, o.quantity * o.unit_price_cents - o.seller_fee_cents, o.seller_fee_cents,
            CASE WHEN refunded THEN 'cancelled' ELSE 'pending' END, CASE WHEN refunded THEN now() END
     FROM orders o, LATERAL (SELECT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.id) AS refunded) x
     WHERE o.id = $1
     ON CONFLICT (order_id) DO NOTHING`,
    [orderId],
  );
  return res.rowCount === 1;
}

/** No payout for this order any more (its buyer is being refunded); false when there was none pending. */
export async function cancelPayout(db: Queryable, orderId: string): Promise<boolean> {
  const res = await db.query(`UPDATE payouts SET status = 'cancelled', cancelled_at = now() WHERE order_id = $1 AND status = 'pending'`, [orderId]);
  return res.rowCount === 1;
}

export async function findPayout(db: Queryable, orderId: string): Promise<Payout | null> {
  const res = await db.query<Payout>(`SELECT ${COLUMNS} FROM payouts WHERE order_id = $1`, [orderId]);
  return res.rows[0] ?? null;
}
