import type { OrderStatus, Queryable } from '@ticketing/common';
import { selectList } from './select-list';

/** The replica's view of an order (what payments needs to take a payment for it). */
export interface ReplicaOrder {
  id: string;
  version: number;
  userId: string;
  ticketId: string;
  priceCents: number;
  status: OrderStatus;
  expiresAt: Date;
}

const COLUMNS = selectList<ReplicaOrder>({
  id: true, version: true, userId: true, ticketId: true,
  priceCents: true, status: true, expiresAt: true,
});

/** Inserts an order seen for the first time; false when it is already there (a duplicate order.created). */
export async function insertOrder(db: Queryable, o: ReplicaOrder): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO orders (id, version, user_id, ticket_id, price_cents, status, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
    [o.id, o.version, o.userId, o.ticketId, o.priceCents, o.status, o.expiresAt],
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
