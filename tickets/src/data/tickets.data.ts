import { randomUUID } from 'node:crypto';
import type { Queryable, TicketStatus } from '@ticketing/common';

/** One admission of a listing (migrations/0002_listings.sql). */
export interface TicketRow {
  id: string;
  listingId: string;
  /** The seat label, or null for unnumbered admission. */
  seat: string | null;
  /** 1..n in seat order: adjacent seats are adjacent positions. */
  position: number;
  status: TicketStatus;
  /** The order holding (held) or having bought (sold) it; null when available or withdrawn. */
  orderId: string | null;
}

const COLUMNS = `id, listing_id AS "listingId", seat, position, status, order_id AS "orderId"`;

/** The listing's tickets in the given seat order (null seats: unnumbered), positions 1..n. */
export async function insertTickets(db: Queryable, listingId: string, seats: (string | null)[]): Promise<TicketRow[]> {
  const { rows } = await db.query<TicketRow>(
    `INSERT INTO tickets (id, listing_id, seat, position)
     SELECT id, $1, seat, position::int FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS s(id, seat, position)
     RETURNING ${COLUMNS}`,
    [listingId, seats.map(() => randomUUID()), seats],
  );
  return rows.sort((a, b) => a.position - b.position);
}

export async function ticketsOf(db: Queryable, listingId: string): Promise<TicketRow[]> {
  const { rows } = await db.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE listing_id = $1 ORDER BY position`, [listingId]);
  return rows;
}

/** The tickets of several listings, each listing's in seat order (one query for a page). */
export async function ticketsOfListings(db: Queryable, listingIds: string[]): Promise<Map<string, TicketRow[]>> {
  const byListing = new Map<string, TicketRow[]>(listingIds.map((id) => [id, []]));
  if (!listingIds.length) return byListing;
  const { rows } = await db.query<TicketRow>(
    `SELECT ${COLUMNS} FROM tickets WHERE listing_id = ANY($1::uuid[]) ORDER BY listing_id, position`,
    [listingIds],
  );
  for (const t of rows) byListing.get(t.listingId)!.push(t);
  return byListing;
}

/**
 * Locks these tickets of the listing in seat order (the caller holds the listing's lock already, so the order only
 * matters against a statement that skipped it). Ids that are not tickets of the listing are left out.
 */
export async function lockTickets(db: Queryable, listingId: string, ids: string[]): Promise<TicketRow[]> {
  const { rows } = await db.query<TicketRow>(
    `SELECT ${COLUMNS} FROM tickets WHERE listing_id = $1 AND id = ANY($2::uuid[]) ORDER BY position FOR UPDATE`,
    [listingId, ids],
  );
  return rows;
}

/** Moves tickets to a hold state (listeners); the caller has locked them and decided each change is due. */
export async function setTicketsState(db: Queryable, ids: string[], status: TicketStatus, orderId: string | null): Promise<void> {
  await db.query(`UPDATE tickets SET status = $2, order_id = $3 WHERE id = ANY($1::uuid[])`, [ids, status, orderId]);
}

/** Takes what is still available off sale; held and sold tickets run their course. Returns how many. */
export async function withdrawAvailableTickets(db: Queryable, listingId: string): Promise<number> {
  const res = await db.query(`UPDATE tickets SET status = 'withdrawn' WHERE listing_id = $1 AND status = 'available'`, [listingId]);
  return res.rowCount ?? 0;
}
