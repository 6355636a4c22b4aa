import type { CancellationReason, OrderStatus, Queryable } from '@ticketing/common';

/** An order row joined with its listing's current title. */
export interface OrderRow {
  id: string;
  userId: string;
  ticketId: string;
  ticketTitle: string;
  status: OrderStatus;
  expiresAt: Date;
  priceCents: number;
  version: number;
  paymentId: string | null;
  cancelReason: CancellationReason | null;
  createdAt: Date;
}

/** The columns of `orders o` joined with `tickets t`. */
const SELECT_ORDER = `
  SELECT o.id, o.user_id AS "userId", o.ticket_id AS "ticketId", t.title AS "ticketTitle", o.status,
         o.expires_at AS "expiresAt", o.price_cents AS "priceCents", o.version, o.payment_id AS "paymentId",
         o.cancel_reason AS "cancelReason", o.created_at AS "createdAt"
  FROM orders o JOIN tickets t ON t.id = o.ticket_id`;

/** For RETURNING after a write: the same shape as SELECT_ORDER. */
const RETURNING_ORDER = `
  RETURNING id, user_id AS "userId", ticket_id AS "ticketId",
            (SELECT title FROM tickets WHERE tickets.id = ticket_id) AS "ticketTitle", status,
            expires_at AS "expiresAt", price_cents AS "priceCents", version, payment_id AS "paymentId",
            cancel_reason AS "cancelReason", created_at AS "createdAt"`;

/** The name of the partial unique index that makes a ticket's active order exclusive (migration 0001). */
export const ONE_ACTIVE_ORDER_PER_TICKET = 'orders_one_active_per_ticket';

export async function findOrder(db: Queryable, id: string): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>(`${SELECT_ORDER} WHERE o.id = $1`, [id]);
  return rows[0];
}

export async function listOrdersOfUser(db: Queryable, userId: string): Promise<OrderRow[]> {
  const { rows } = await db.query<OrderRow>(`${SELECT_ORDER} WHERE o.user_id = $1 ORDER BY o.created_at DESC, o.id DESC`, [userId]);
  return rows;
}

/**
 * Inserts a `created` order holding the ticket until now + holdSeconds (database clock). Throws a unique violation
 * on ONE_ACTIVE_ORDER_PER_TICKET when another active order holds the ticket, even one committed a microsecond ago.
 */
export async function insertOrder(
  db: Queryable,
  o: { id: string; userId: string; ticketId: string; priceCents: number; holdSeconds: number },
): Promise<OrderRow> {
  const { rows } = await db.query<OrderRow>(
    `INSERT INTO orders (id, user_id, ticket_id, status, expires_at, price_cents, version)
     VALUES ($1, $2, $3, 'created', now() + make_interval(secs => $5), $4, 0)
     ${RETURNING_ORDER}`,
    [o.id, o.userId, o.ticketId, o.priceCents, o.holdSeconds],
  );
  return rows[0]!;
}

/** Which `created` orders an expiry sweep may cancel: those of one ticket, of one user, or one order. */
export type ExpiredScope = { ticketId: string } | { userId: string } | { orderId: string };

/**
 * Cancels (reason expired) the `created` orders in scope whose hold has run out by the database clock. Conditional,
 * so concurrent sweeps cancel each order once: the loser re-checks the row after the winner's commit and skips it.
 */
export async function cancelExpiredOrders(db: Queryable, scope: ExpiredScope): Promise<OrderRow[]> {
  const [column, value] =
    'ticketId' in scope ? ['ticket_id', scope.ticketId] : 'userId' in scope ? ['user_id', scope.userId] : ['id', scope.orderId];
  const { rows } = await db.query<OrderRow>(
    `UPDATE orders SET status = 'cancelled', cancel_reason = 'expired', version = version + 1
     WHERE ${column} = $1 AND status = 'created' AND expires_at < now()
     ${RETURNING_ORDER}`,
    [value],
  );
  return rows;
}

/** Cancels an order still in one of `from`; undefined when it was not (already cancelled, complete or unknown). */
export async function cancelOrderIfIn(
  db: Queryable,
  id: string,
  from: OrderStatus[],
  reason: CancellationReason,
  ownerId?: string,
): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>(
    `UPDATE orders SET status = 'cancelled', cancel_reason = $3, version = version + 1
     WHERE id = $1 AND status = ANY($2::text[]) AND ($4::uuid IS NULL OR user_id = $4)
     ${RETURNING_ORDER}`,
    [id, from, reason, ownerId ?? null],
  );
  return rows[0];
}

/**
 * The payment's decisive write: an order still payable, for exactly its price, becomes complete. Undefined when it
 * was not (cancelled, complete, unknown, or the charge was for another amount).
 */
export async function completeOrderIfPayable(db: Queryable, id: string, paymentId: string, amountCents: number): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>(
    `UPDATE orders SET status = 'complete', payment_id = $2, version = version + 1
     WHERE id = $1 AND status IN ('created', 'awaiting:payment') AND price_cents = $3
     ${RETURNING_ORDER}`,
    [id, paymentId, amountCents],
  );
  return rows[0];
}
