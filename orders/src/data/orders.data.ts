import type { CancellationReason, OrderStatus, Queryable } from '@ticketing/common';

/** The catalogue event an order is for, as the replica knows it (null until its event.* arrived). */
export interface OrderEvent {
  id: string;
  name: string;
  startsAt: Date;
  timeZone: string;
  venue: { name: string; city: string; country: string };
}

/** An order with its tickets (in seat order) and its event. */
export interface OrderRow {
  id: string;
  userId: string;
  listingId: string;
  eventId: string;
  sellerId: string;
  section: string;
  row: string | null;
  status: OrderStatus;
  expiresAt: Date;
  quantity: number;
  unitPriceCents: number;
  buyerFeeCents: number;
  sellerFeeCents: number;
  totalCents: number;
  version: number;
  paymentId: string | null;
  cancelReason: CancellationReason | null;
  /** What tickets last reported of the delivery of the order's tickets (delivery.*). */
  deliveryStatus: 'pending' | 'delivered';
  /** When the seller must have delivered (a `later` listing's order, once delivery.scheduled arrived); else null. */
  deliveryDeadline: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  /** Microseconds since the epoch of createdAt, as text: the exact keyset position for paging. */
  createdAtMicros: string;
  tickets: Array<{ id: string; seat: string | null }>;
  event: OrderEvent | null;
}

/** The columns of an order row `o` (a table or a CTE's RETURNING *), its tickets and its event. */
const ORDER_COLUMNS = `
  o.id, o.user_id AS "userId", o.listing_id AS "listingId", o.event_id AS "eventId", o.seller_id AS "sellerId",
  o.section, o.row, o.status, o.expires_at AS "expiresAt", o.quantity, o.unit_price_cents AS "unitPriceCents",
  o.buyer_fee_cents AS "buyerFeeCents", o.seller_fee_cents AS "sellerFeeCents", o.total_cents AS "totalCents",
  o.version, o.payment_id AS "paymentId", o.cancel_reason AS "cancelReason", o.created_at AS "createdAt",
  o.delivery_status AS "deliveryStatus", o.delivery_deadline AS "deliveryDeadline", o.delivered_at AS "deliveredAt",
  (EXTRACT(EPOCH FROM o.created_at) * 1000000)::bigint::text AS "createdAtMicros",
  (SELECT json_agg(json_build_object('id', ot.ticket_id, 'seat', ot.seat) ORDER BY ot.position)
     FROM order_tickets ot WHERE ot.order_id = o.id) AS tickets,
  e.name AS "eventName", e.starts_at AS "eventStartsAt", e.time_zone AS "eventTimeZone", e.venue AS "eventVenue"`;

const FROM_ORDERS = (source: string) => `SELECT ${ORDER_COLUMNS} FROM ${source} o LEFT JOIN catalog_events e ON e.id = o.event_id`;

type RawOrder = Omit<OrderRow, 'event'> & { eventName: string | null; eventStartsAt: Date | null; eventTimeZone: string | null; eventVenue: OrderEvent['venue'] | null };

function toOrder({ eventName, eventStartsAt, eventTimeZone, eventVenue, ...o }: RawOrder): OrderRow {
  const event = eventName === null ? null : { id: o.eventId, name: eventName, startsAt: eventStartsAt!, timeZone: eventTimeZone!, venue: eventVenue! };
  return { ...o, tickets: o.tickets ?? [], event };
}

/**
 * Runs a statement that changes orders and returns the changed rows (`WITH changed AS (... RETURNING *)`), read
 * from its RETURNING: the statement's own snapshot does not see its changes in the tables.
 */
async function changedOrders(db: Queryable, changeSql: string, values: unknown[]): Promise<OrderRow[]> {
  const { rows } = await db.query<RawOrder>(`WITH ${changeSql} ${FROM_ORDERS('changed')} ORDER BY o.created_at, o.id`, values);
  return rows.map(toOrder);
}

/** The name of the partial unique index that makes a ticket's active order exclusive (migration 0002). */
export const ONE_ACTIVE_ORDER_PER_TICKET = 'order_tickets_one_active_per_ticket';

export async function findOrder(db: Queryable, id: string): Promise<OrderRow | undefined> {
  const { rows } = await db.query<RawOrder>(`${FROM_ORDERS('orders')} WHERE o.id = $1`, [id]);
  return rows[0] && toOrder(rows[0]);
}

/** A page of the user's orders, newest first, after the keyset position `after` (exclusive). */
export async function listOrdersOfUser(
  db: Queryable,
  userId: string,
  page: { limit: number; after?: { createdAtMicros: string; id: string } },
): Promise<OrderRow[]> {
  const { rows } = await db.query<RawOrder>(
    `${FROM_ORDERS('orders')}
     WHERE o.user_id = $1
       AND ($2::bigint IS NULL OR (o.created_at, o.id) < ('epoch'::timestamptz + $2::bigint * interval '1 microsecond', $3::uuid))
     ORDER BY o.created_at DESC, o.id DESC LIMIT $4`,
    [userId, page.after?.createdAtMicros ?? null, page.after?.id ?? null, page.limit],
  );
  return rows.map(toOrder);
}

export interface NewOrder {
  id: string;
  userId: string;
  listingId: string;
  eventId: string;
  sellerId: string;
  section: string;
  row: string | null;
  quantity: number;
  unitPriceCents: number;
  buyerFeeCents: number;
  sellerFeeCents: number;
  totalCents: number;
  holdSeconds: number;
  tickets: Array<{ id: string; seat: string | null; position: number }>;
}

/**
 * Inserts a `created` order holding its tickets until now + holdSeconds (database clock), all of them or none:
 * the order_tickets insert throws a unique violation on ONE_ACTIVE_ORDER_PER_TICKET when any of them is taken.
 */
export async function insertOrder(db: Queryable, o: NewOrder): Promise<OrderRow> {
  await db.query(
    `INSERT INTO orders (id, user_id, listing_id, event_id, seller_id, section, row, status, expires_at, quantity,
                         unit_price_cents, buyer_fee_cents, seller_fee_cents, total_cents, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'created', now() + make_interval(secs => $8), $9, $10, $11, $12, $13, 0)`,
    [o.id, o.userId, o.listingId, o.eventId, o.sellerId, o.section, o.row, o.holdSeconds, o.quantity, o.unitPriceCents, o.buyerFeeCents, o.sellerFeeCents, o.totalCents],
  );
  await db.query(
    `INSERT INTO order_tickets (order_id, ticket_id, seat, position, active)
     SELECT $1, t.id, t.seat, t.position, true FROM unnest($2::uuid[], $3::text[], $4::int[]) AS t(id, seat, position)`,
    [o.id, o.tickets.map((t) => t.id), o.tickets.map((t) => t.seat), o.tickets.map((t) => t.position)],
  );
  return (await findOrder(db, o.id))!;
}

/** Cancels orders matched by `where` (on `orders`), freeing their tickets in the same statement. */
function cancelWhere(db: Queryable, where: string, reason: string, values: unknown[]): Promise<OrderRow[]> {
  return changedOrders(
    db,
    `changed AS (
       UPDATE orders SET status = 'cancelled', cancel_reason = ${reason}, version = version + 1,
         -- A hold that lapsed was released at its expiry, however late the sweep that records it.
         ended_at = CASE WHEN ${reason} = 'expired' THEN least(expires_at, now()) ELSE now() END
       WHERE ${where} RETURNING *),
     freed AS (UPDATE order_tickets SET active = false WHERE order_id IN (SELECT id FROM changed))`,
    values,
  );
}

/** Which `created` orders an expiry sweep may cancel: those of one listing, of one user, or one order. */
export type ExpiredScope = { listingId: string } | { userId: string } | { orderId: string };

/**
 * Cancels (reason expired) the `created` orders in scope whose hold has run out by the database clock. Over a listing
 * or a buyer, an order another transaction has locked (a payment, the expiration consumer, a cancel deciding it right
 * now) is skipped, not waited for: that transaction decides it, and a sweep that never waits for several rows in turn
 * can never be half of a deadlock with a consumer batch locking the same orders in another order (a 500 for a buyer).
 * One order (`orderId`) is waited for: a single row lock, taken first in its transaction, cannot close a cycle, and a
 * reader must not be shown `created` for an order whose expiry another reader is committing right now.
 */
export function cancelExpiredOrders(db: Queryable, scope: ExpiredScope): Promise<OrderRow[]> {
  const [column, value] =
    'listingId' in scope ? ['listing_id', scope.listingId] : 'userId' in scope ? ['user_id', scope.userId] : ['id', scope.orderId];
  const lock = 'orderId' in scope ? 'FOR UPDATE' : 'FOR UPDATE SKIP LOCKED';
  return cancelWhere(
    db,
    `id IN (SELECT id FROM orders WHERE ${column} = $1 AND status = 'created' AND expires_at < now() ${lock})
     AND status = 'created'`,
    `'expired'`,
    [value],
  );
}

/** Cancels an order still in one of `from`; undefined when it was not (already cancelled, complete or unknown). */
export async function cancelOrderIfIn(
  db: Queryable,
  id: string,
  from: OrderStatus[],
  reason: CancellationReason,
  ownerId?: string,
): Promise<OrderRow | undefined> {
  const rows = await cancelWhere(db, `id = $1 AND status = ANY($2::text[]) AND ($4::uuid IS NULL OR user_id = $4)`, '$3', [id, from, reason, ownerId ?? null]);
  return rows[0];
}

/**
 * The event is cancelled: every live order of it (a hold, or paid) is cancelled (reason event_cancelled) and its
 * tickets released, in one statement. Rows are locked in id order first, so two such statements, or one and a
 * payment batch, wait for each other instead of locking in opposite orders; the status guard makes a repeat, or an
 * order a payment or an expiry decided meanwhile, change nothing.
 */
export function cancelLiveOrdersOfEvent(db: Queryable, eventId: string): Promise<OrderRow[]> {
  return cancelWhere(
    db,
    `id IN (SELECT id FROM orders WHERE event_id = $1 AND status IN ('created', 'awaiting:payment', 'complete') ORDER BY id FOR UPDATE)
     AND status IN ('created', 'awaiting:payment', 'complete')`,
    `'event_cancelled'`,
    [eventId],
  );
}

/**
 * The payment's decisive write: an order still payable, for exactly its total, becomes complete (its tickets stay
 * active: now owned). Undefined when it was not (cancelled, complete, unknown, or the charge was for another amount).
 */
export async function completeOrderIfPayable(db: Queryable, id: string, paymentId: string, amountCents: number): Promise<OrderRow | undefined> {
  const rows = await changedOrders(
    db,
    `changed AS (
       UPDATE orders SET status = 'complete', payment_id = $2, version = version + 1, ended_at = now()
       WHERE id = $1 AND status IN ('created', 'awaiting:payment') AND total_cents = $3 RETURNING *)`,
    [id, paymentId, amountCents],
  );
  return rows[0];
}

/**
 * delivery.missed's decisive write: a `complete` order whose tickets were not delivered is cancelled (reason
 * not_delivered), its tickets released from it and retired from the listing in the same statement: never orderable
 * again. Undefined when it was not (already cancelled, delivered, never paid, unknown): nothing to do.
 */
export async function cancelUndeliveredOrder(db: Queryable, id: string): Promise<OrderRow | undefined> {
  const rows = await changedOrders(
    db,
    `changed AS (
       UPDATE orders SET status = 'cancelled', cancel_reason = 'not_delivered', version = version + 1, ended_at = now()
       WHERE id = $1 AND status = 'complete' AND delivery_status = 'pending' RETURNING *),
     released AS (UPDATE order_tickets SET active = false WHERE order_id IN (SELECT id FROM changed) RETURNING ticket_id),
     retired AS (UPDATE listing_tickets SET retired = true WHERE id IN (SELECT ticket_id FROM released))`,
    [id],
  );
  return rows[0];
}

/** Records the delivery deadline tickets fixed for the order; false for an unknown order. */
export async function setDeliveryDeadline(db: Queryable, id: string, deadline: Date): Promise<boolean> {
  const res = await db.query('UPDATE orders SET delivery_deadline = $2 WHERE id = $1', [id, deadline]);
  return res.rowCount === 1;
}

/**
 * The order's tickets were delivered: pending → delivered, once (a repeat keeps the first time). Returns the order's
 * delivery status after the statement, or undefined for an unknown order.
 */
export async function markDelivered(db: Queryable, id: string, deliveredAt: Date): Promise<{ applied: boolean } | undefined> {
  const res = await db.query(`UPDATE orders SET delivery_status = 'delivered', delivered_at = $2 WHERE id = $1 AND delivery_status = 'pending'`, [id, deliveredAt]);
  if (res.rowCount === 1) return { applied: true };
  return (await db.query('SELECT 1 FROM orders WHERE id = $1', [id])).rowCount === 1 ? { applied: false } : undefined;
}

/** Tickets in the buyer's unpaid orders that still hold (created, not yet past expiresAt). */
export async function ticketsHeldBy(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT coalesce(sum(quantity), 0)::int AS n FROM orders
     WHERE user_id = $1 AND status IN ('created', 'awaiting:payment') AND expires_at > now()`,
    [userId],
  );
  return rows[0]!.n;
}

/**
 * The buyer's holds of one listing that ended without a sale (cancelled by them, or expired) since `windowSeconds`
 * ago, the last one's time, and the database's now.
 */
export async function recentReleases(
  db: Queryable,
  q: { userId: string; listingId: string; windowSeconds: number },
): Promise<{ count: number; lastAt: Date | null; now: Date }> {
  const { rows } = await db.query<{ count: number; lastAt: Date | null; now: Date }>(
    `SELECT count(*)::int AS count, max(ended_at) AS "lastAt", now() AS now FROM orders
     WHERE user_id = $1 AND listing_id = $2 AND status = 'cancelled' AND cancel_reason IN ('cancelled', 'expired')
       AND ended_at > now() - make_interval(secs => $3)`,
    [q.userId, q.listingId, q.windowSeconds],
  );
  return rows[0]!;
}
