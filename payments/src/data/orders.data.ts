import type { OrderStatus, Queryable } from '@ticketing/common';
import { selectList } from './select-list';

/** The replica's view of an order (what payments needs to take a payment for it): the prices orders fixed at creation. */
export interface ReplicaOrder {
  id: string;
  version: number;
  userId: string;
  listingId: string;
  eventId: string;
  /** Null only for orders created before listings (order.created v1 did not carry the seller). */
  sellerId: string | null;
  quantity: number;
  unitPriceCents: number;
  buyerFeeCents: number;
  sellerFeeCents: number;
  /** quantity × unitPriceCents + buyerFeeCents: what the buyer is charged. */
  totalCents: number;
  status: OrderStatus;
  expiresAt: Date;
}

const COLUMNS = selectList<ReplicaOrder>({
  id: true, version: true, userId: true, listingId: true, eventId: true, sellerId: true, quantity: true,
  unitPriceCents: true, buyerFeeCents: true, sellerFeeCents: true, totalCents: true, status: true, expiresAt: true,
});

/** Inserts an order seen for the first time; false when it is already there (a duplicate order.created). */
export async function insertOrder(db: Queryable, o: ReplicaOrder): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO orders (id, version, user_id, listing_id, event_id, seller_id, quantity, unit_price_cents, buyer_fee_cents,
                         seller_fee_cents, total_cents, status, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING`,
    [o.id, o.version, o.userId, o.listingId, o.eventId, o.sellerId, o.quantity, o.unitPriceCents, o.buyerFeeCents, o.sellerFeeCents, o.totalCents, o.status, o.expiresAt],
  );
  return res.rowCount === 1;
}

/** `lock` takes the row lock that serialises everything done for one order's payment. */
export async function findOrder(db: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<ReplicaOrder | null> {
  const res = await db.query<ReplicaOrder>(`SELECT ${COLUMNS} FROM orders WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [id]);
  return res.rows[0] ?? null;
}

/**
 * Applies version `version` only on top of `version - 1` (one conditional write, never read-then-write).
 * Returns true when applied; false means the order is missing or at another version (the caller finds out which).
 */
export async function updateOrderStatusAtVersion(db: Queryable, id: string, version: number, status: OrderStatus): Promise<boolean> {
  const res = await db.query('UPDATE orders SET status = $3, version = $2, updated_at = now() WHERE id = $1 AND version = $2 - 1', [id, version, status]);
  return res.rowCount === 1;
}

export async function findOrderVersion(db: Queryable, id: string): Promise<number | null> {
  const res = await db.query<{ version: number }>('SELECT version FROM orders WHERE id = $1', [id]);
  return res.rows[0]?.version ?? null;
}
