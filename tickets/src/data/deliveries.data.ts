import type { DeliveryMethod, Queryable } from '@ticketing/common';

/** `cancelled`: the event was cancelled before the items came (nobody delivers for it; orders refunds). */
export type DeliveryStatus = 'pending' | 'delivered' | 'missed' | 'cancelled';

/** A completed order's delivery (migrations/0003_delivery.sql). */
export interface DeliveryRow {
  orderId: string;
  listingId: string;
  ticketIds: string[];
  deadline: Date;
  status: DeliveryStatus;
  deliveredAt: Date | null;
  missedAt: Date | null;
  /** The listing's delivery method (joined), for the events. */
  method: DeliveryMethod;
}

const COLUMNS = `d.order_id AS "orderId", d.listing_id AS "listingId", d.ticket_ids AS "ticketIds", d.deadline, d.status,
  d.delivered_at AS "deliveredAt", d.missed_at AS "missedAt", l.delivery AS method`;

/**
 * The order's delivery, created once: null when it already exists (a repeated order.completed publishes nothing
 * again). `deliveredAt` set: delivered at once; `cancelledAt` set: born cancelled (the event is cancelled).
 */
export async function insertDelivery(
  db: Queryable,
  d: { orderId: string; listingId: string; ticketIds: string[]; deadline: Date; deliveredAt: Date | null; cancelledAt?: Date | null },
): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO deliveries (order_id, listing_id, ticket_ids, deadline, status, delivered_at, cancelled_at)
     VALUES ($1, $2, $3, $4,
             CASE WHEN $6::timestamptz IS NOT NULL THEN 'cancelled' WHEN $5::timestamptz IS NULL THEN 'pending' ELSE 'delivered' END,
             CASE WHEN $6::timestamptz IS NULL THEN $5::timestamptz END, $6)
     ON CONFLICT (order_id) DO NOTHING`,
    [d.orderId, d.listingId, d.ticketIds, d.deadline, d.deliveredAt, d.cancelledAt ?? null],
  );
  return res.rowCount === 1;
}

/** The order's delivery, locked: uploads and the sweeper decide its fate one after the other. */
export async function lockDelivery(db: Queryable, orderId: string): Promise<DeliveryRow | null> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${COLUMNS} FROM deliveries d JOIN listings l ON l.id = d.listing_id WHERE d.order_id = $1 FOR UPDATE OF d`,
    [orderId],
  );
  return rows[0] ?? null;
}

/** Pending → delivered (guarded: a missed delivery stays missed). */
export async function markDelivered(db: Queryable, orderId: string, at: Date): Promise<boolean> {
  const res = await db.query(`UPDATE deliveries SET status = 'delivered', delivered_at = $2 WHERE order_id = $1 AND status = 'pending'`, [orderId, at]);
  return res.rowCount === 1;
}

/**
 * Claims up to `limit` pending deliveries whose deadline has passed and marks them missed, in the caller's
 * transaction. SKIP LOCKED: another sweeper, or an upload holding a delivery, keeps its rows; each row is claimed by
 * exactly one transaction, and the status guard makes a second mark impossible.
 */
export async function claimMissedDeliveries(db: Queryable, now: Date, limit: number): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `WITH due AS (
       SELECT order_id FROM deliveries WHERE status = 'pending' AND deadline <= $1 ORDER BY deadline LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE deliveries d SET status = 'missed', missed_at = $1 FROM due, listings l
      WHERE d.order_id = due.order_id AND d.status = 'pending' AND l.id = d.listing_id
     RETURNING ${COLUMNS}`,
    [now, limit],
  );
  return rows;
}

/** The pending deliveries of an event's listings, locked, with their new deadline (the event's start moved). */
export async function moveDeadlinesOfEvent(db: Queryable, eventId: string, deadline: Date): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `UPDATE deliveries d SET deadline = $2 FROM listings l
      WHERE l.id = d.listing_id AND l.event_id = $1 AND d.status = 'pending' AND d.deadline <> $2
     RETURNING ${COLUMNS}`,
    [eventId, deadline],
  );
  return rows;
}

/**
 * The event is cancelled: its pending deliveries stop (nobody can deliver for it), so the sweeper never claims them
 * and an upload finds them closed. Delivered and missed ones stay as decided. Returns how many.
 */
export async function cancelPendingDeliveriesOfEvent(db: Queryable, eventId: string, at: Date): Promise<number> {
  const res = await db.query(
    `UPDATE deliveries d SET status = 'cancelled', cancelled_at = $2 FROM listings l
      WHERE l.id = d.listing_id AND l.event_id = $1 AND d.status = 'pending'`,
    [eventId, at],
  );
  return res.rowCount ?? 0;
}

/** One order's pending delivery stops (its order was cancelled with its event); false when it was not pending. */
export async function cancelPendingDelivery(db: Queryable, orderId: string, at: Date): Promise<boolean> {
  const res = await db.query(`UPDATE deliveries SET status = 'cancelled', cancelled_at = $2 WHERE order_id = $1 AND status = 'pending'`, [orderId, at]);
  return res.rowCount === 1;
}
