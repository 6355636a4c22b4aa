import type { Queryable, TicketStatus } from '@ticketing/common';

/** A tickets row as the domain sees it. */
export interface TicketRow {
  id: string;
  title: string;
  priceCents: number;
  userId: string;
  status: TicketStatus;
  orderId: string | null;
  version: number;
  createdAt: Date;
  /** created_at in microseconds since the epoch, as text: the keyset cursor needs the exact value (Date keeps ms). */
  createdAtMicros: string;
}

const COLUMNS = `id, title, price_cents AS "priceCents", user_id AS "userId", status, order_id AS "orderId", version,
  created_at AS "createdAt", (extract(epoch FROM created_at) * 1000000)::bigint::text AS "createdAtMicros"`;

export async function insertTicket(db: Queryable, t: { id: string; title: string; priceCents: number; userId: string }): Promise<TicketRow> {
  const { rows } = await db.query<TicketRow>(
    `INSERT INTO tickets (id, title, price_cents, user_id) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [t.id, t.title, t.priceCents, t.userId],
  );
  return rows[0]!;
}

export async function findTicket(db: Queryable, id: string): Promise<TicketRow | null> {
  const { rows } = await db.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Same, holding the row lock until the transaction ends: listeners serialise on the ticket this way. */
export async function lockTicket(db: Queryable, id: string): Promise<TicketRow | null> {
  const { rows } = await db.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ?? null;
}

/**
 * The seller's edit in one conditional statement: it changes the row only if it exists, belongs to the seller and is
 * free, so a hold landing between a read and a write can never be overwritten. Null: one of those did not hold.
 */
export async function updateFreeTicketOfSeller(
  db: Queryable,
  id: string,
  userId: string,
  changes: { title?: string; priceCents?: number },
): Promise<TicketRow | null> {
  const { rows } = await db.query<TicketRow>(
    `UPDATE tickets SET title = COALESCE($3, title), price_cents = COALESCE($4, price_cents), version = version + 1
      WHERE id = $1 AND user_id = $2 AND order_id IS NULL AND status = 'available'
      RETURNING ${COLUMNS}`,
    [id, userId, changes.title ?? null, changes.priceCents ?? null],
  );
  return rows[0] ?? null;
}

/** Moves the ticket to a new hold state (listeners); the caller has locked the row and decided the change is due. */
export async function setTicketHold(db: Queryable, id: string, status: TicketStatus, orderId: string | null): Promise<TicketRow> {
  const { rows } = await db.query<TicketRow>(
    `UPDATE tickets SET status = $2, order_id = $3, version = version + 1 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, status, orderId],
  );
  return rows[0]!;
}

export interface TicketListQuery {
  /** Lower-cased substring of the title. */
  search?: string;
  /** All of this seller's tickets; without it, only available ones. */
  sellerId?: string;
  limit: number;
  /** Keyset position: rows strictly after (older than) this (created_at, id). */
  after?: { createdAtMicros: string; id: string };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Newest first by (created_at, id); fetches limit rows (callers ask one more to know whether a next page exists). */
export async function listTickets(db: Queryable, q: TicketListQuery): Promise<TicketRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (q.sellerId) where.push(`user_id = ${param(q.sellerId)}`);
  else where.push(`status = 'available'`);
  if (q.search) where.push(`lower(title) LIKE ${param(`%${escapeLike(q.search.toLowerCase())}%`)} ESCAPE '\\'`);
  if (q.after) {
    where.push(
      `(created_at, id) < (timestamptz 'epoch' + ${param(q.after.createdAtMicros)}::bigint * interval '1 microsecond', ${param(q.after.id)}::uuid)`,
    );
  }
  const { rows } = await db.query<TicketRow>(
    `SELECT ${COLUMNS} FROM tickets WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${param(q.limit)}`,
    params,
  );
  return rows;
}
