import type { Queryable } from '@ticketing/common';

/** What the listeners remember of an order (see migrations/0001_tickets.sql, known_orders). */
export type KnownOrderState = 'created' | 'cancelled' | 'completed';

export interface KnownOrder {
  orderId: string;
  ticketId: string;
  state: KnownOrderState;
  expiresAt: Date | null;
}

const COLUMNS = `order_id AS "orderId", ticket_id AS "ticketId", state, expires_at AS "expiresAt"`;

export async function findKnownOrder(db: Queryable, orderId: string): Promise<KnownOrder | null> {
  const { rows } = await db.query<KnownOrder>(`SELECT ${COLUMNS} FROM known_orders WHERE order_id = $1`, [orderId]);
  return rows[0] ?? null;
}

/**
 * Records an order's state. An ended order (cancelled, completed) never goes back to created, and a completed one
 * is never recorded as cancelled: orders does not do that, and a late or duplicate event must not pretend it did.
 * expires_at is kept once known. Returns the state now stored.
 */
export async function rememberOrder(
  db: Queryable,
  o: { orderId: string; ticketId: string; state: KnownOrderState; expiresAt?: string | null },
): Promise<KnownOrder> {
  const { rows } = await db.query<KnownOrder>(
    `INSERT INTO known_orders AS k (order_id, ticket_id, state, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (order_id) DO UPDATE SET
       state = CASE
         WHEN k.state = 'completed' THEN k.state
         WHEN k.state = 'cancelled' AND EXCLUDED.state <> 'completed' THEN k.state
         ELSE EXCLUDED.state END,
       expires_at = COALESCE(k.expires_at, EXCLUDED.expires_at),
       updated_at = now()
     RETURNING ${COLUMNS}`,
    [o.orderId, o.ticketId, o.state, o.expiresAt ?? null],
  );
  return rows[0]!;
}

/** Whether an order for this ticket other than orderId was created later (expires later) than expiresAt. */
export async function hasNewerOrder(db: Queryable, ticketId: string, orderId: string, expiresAt: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM known_orders WHERE ticket_id = $1 AND order_id <> $2 AND expires_at > $3::timestamptz LIMIT 1`,
    [ticketId, orderId, expiresAt],
  );
  return rows.length > 0;
}
