import type { Queryable } from '@ticketing/common';

/** A listing as orders knows it (the replica). */
export interface TicketRow {
  id: string;
  title: string;
  priceCents: number;
  userId: string;
  version: number;
}

const COLUMNS = 'id, title, price_cents AS "priceCents", user_id AS "userId", version';

export async function findTicket(db: Queryable, id: string): Promise<TicketRow | undefined> {
  const { rows } = await db.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE id = $1`, [id]);
  return rows[0];
}

/** Inserts the listing; a duplicate (same id) changes nothing. Returns whether a row was inserted. */
export async function insertTicket(db: Queryable, t: TicketRow): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO tickets (id, title, price_cents, user_id, version) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO NOTHING`,
    [t.id, t.title, t.priceCents, t.userId, t.version],
  );
  return res.rowCount === 1;
}

/** Applies version n only when the replica holds n-1: one conditional UPDATE, so order is kept without locks. */
export async function updateTicketIfNext(db: Queryable, t: TicketRow): Promise<boolean> {
  const res = await db.query(
    `UPDATE tickets SET title = $2, price_cents = $3, user_id = $4, version = $5
     WHERE id = $1 AND version = $5 - 1`,
    [t.id, t.title, t.priceCents, t.userId, t.version],
  );
  return res.rowCount === 1;
}
