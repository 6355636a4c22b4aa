import type { Queryable } from '@ticketing/common';

/** What the listeners remember of an order (migrations/0002_listings.sql, known_orders). */
export type KnownOrderState = 'created' | 'cancelled' | 'completed';

export interface KnownOrder {
  orderId: string;
  listingId: string;
  ticketIds: string[];
  state: KnownOrderState;
  expiresAt: Date | null;
  /** The buyer (from order.created; null for orders seen before issue 17 or known only from a later event). */
  buyerId: string | null;
}

const COLUMNS = `order_id AS "orderId", listing_id AS "listingId", ticket_ids AS "ticketIds", state, expires_at AS "expiresAt", buyer_id AS "buyerId"`;

/**
 * Records an order's state. An event older than one already seen (by the order's version) changes nothing: a
 * completion redelivered after the order's cancellation must not undo it. Otherwise an ended order (cancelled,
 * completed) never goes back to created, and a completed one is recorded as cancelled only by a newer event (orders
 * ends a paid order when its delivery is missed or its event cancelled). expires_at is kept once known; the ticket ids
 * are the order's (every order event names them all). Returns the state now stored.
 */
export async function rememberOrder(
  db: Queryable,
  o: { orderId: string; listingId: string; ticketIds: string[]; state: KnownOrderState; version?: number; expiresAt?: string | null; buyerId?: string },
): Promise<KnownOrder> {
  const { rows } = await db.query<KnownOrder>(
    `INSERT INTO known_orders AS k (order_id, listing_id, ticket_ids, state, expires_at, buyer_id, version) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (order_id) DO UPDATE SET
       state = CASE
         WHEN k.version IS NOT NULL AND EXCLUDED.version IS NOT NULL AND EXCLUDED.version < k.version THEN k.state
         WHEN k.state = 'completed' AND EXCLUDED.state = 'cancelled' AND EXCLUDED.version IS NOT NULL AND EXCLUDED.version > coalesce(k.version, 0) THEN EXCLUDED.state
         WHEN k.state = 'completed' THEN k.state
         WHEN k.state = 'cancelled' AND EXCLUDED.state <> 'completed' THEN k.state
         WHEN k.state = 'cancelled' AND k.version IS NOT NULL AND coalesce(EXCLUDED.version, 0) < k.version THEN k.state
         ELSE EXCLUDED.state END,
       version = GREATEST(k.version, EXCLUDED.version),
       expires_at = COALESCE(k.expires_at, EXCLUDED.expires_at),
       buyer_id = COALESCE(k.buyer_id, EXCLUDED.buyer_id),
       updated_at = now()
     RETURNING ${COLUMNS}`,
    [o.orderId, o.listingId, o.ticketIds, o.state, o.expiresAt ?? null, o.buyerId ?? null, o.version ?? null],
  );
  return rows[0]!;
}

/**
 * Which of these tickets have an order other than orderId that was created later (expires later) than expiresAt:
 * orders creates an order for a ticket only after the previous one on it ended.
 */
export async function ticketsWithNewerOrder(
  db: Queryable,
  listingId: string,
  ticketIds: string[],
  orderId: string,
  expiresAt: string,
): Promise<Set<string>> {
  const { rows } = await db.query<{ ticketId: string }>(
    `SELECT DISTINCT t AS "ticketId" FROM known_orders, unnest(ticket_ids) AS t
      WHERE listing_id = $1 AND order_id <> $3 AND expires_at > $4::timestamptz AND t = ANY($2::uuid[])`,
    [listingId, ticketIds, orderId, expiresAt],
  );
  return new Set(rows.map((r) => r.ticketId));
}

export async function findKnownOrder(db: Queryable, orderId: string): Promise<KnownOrder | null> {
  const { rows } = await db.query<KnownOrder>(`SELECT ${COLUMNS} FROM known_orders WHERE order_id = $1`, [orderId]);
  return rows[0] ?? null;
}

/** A missed delivery's cancellation ends even a completed order (the one cancellation orders makes of those). */
export async function markOrderNotDelivered(db: Queryable, orderId: string): Promise<void> {
  await db.query(`UPDATE known_orders SET state = 'cancelled', updated_at = now() WHERE order_id = $1`, [orderId]);
}
