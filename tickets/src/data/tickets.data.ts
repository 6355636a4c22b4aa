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
  /** Its item (PDF and/or barcode) is stored (ticket_items). */
  hasItem: boolean;
  /** When its order's delivery completed: the buyer may read the item, nobody may replace it. */
  deliveredAt: Date | null;
  /** Sold, its order's delivery still pending: by when the seller must upload. */
  deliveryDeadline: Date | null;
}

const COLUMNS = `id, listing_id AS "listingId", seat, position, status, order_id AS "orderId", has_item AS "hasItem",
  delivered_at AS "deliveredAt",
  (SELECT d.deadline FROM deliveries d WHERE d.order_id = tickets.order_id AND d.status = 'pending') AS "deliveryDeadline"`;

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

/** The event is cancelled: the order's held or sold tickets leave the market for good. Returns their ids. */
export async function withdrawTicketsOfOrder(db: Queryable, listingId: string, orderId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE tickets SET status = 'withdrawn', order_id = NULL WHERE listing_id = $1 AND order_id = $2 AND status IN ('held', 'sold') RETURNING id`,
    [listingId, orderId],
  );
  return rows.map((r) => r.id);
}

/** One ticket, unlocked (to find its listing before taking the listing's lock). */
export async function findTicket(db: Queryable, id: string): Promise<TicketRow | null> {
  const { rows } = await db.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/**
 * Records the ticket's item: its barcode's fingerprint enters the uniqueness index (tickets_item_fingerprint_unique),
 * so a barcode on sale or sold elsewhere fails this statement with a unique violation, and of two uploads of one
 * barcode at once the second waits for the first and fails if it committed.
 */
export async function attachItem(db: Queryable, id: string, fingerprint: Buffer): Promise<void> {
  await db.query(`UPDATE tickets SET item_fingerprint = $2, has_item = true WHERE id = $1`, [id, fingerprint]);
}

/** The ticket (on sale, held or sold) holding this fingerprint now, other than `exceptId`. */
export async function ticketWithFingerprint(db: Queryable, fingerprint: Buffer, exceptId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM tickets WHERE item_fingerprint = $1 AND status IN ('available', 'held', 'sold') AND id <> $2 LIMIT 1`,
    [fingerprint, exceptId],
  );
  return rows[0]?.id ?? null;
}

/** Whether every ticket still to be sold or delivered of the listing has its item (a pending listing may go on sale). */
export async function everyOpenTicketHasItem(db: Queryable, listingId: string): Promise<boolean> {
  const { rows } = await db.query<{ missing: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM tickets WHERE listing_id = $1 AND status <> 'withdrawn' AND NOT has_item) AS missing`,
    [listingId],
  );
  return !rows[0]!.missing;
}

/** Whether each of these tickets has its item. */
export async function allHaveItems(db: Queryable, ids: string[]): Promise<boolean> {
  const { rows } = await db.query<{ missing: boolean }>(`SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ANY($1::uuid[]) AND NOT has_item) AS missing`, [ids]);
  return !rows[0]!.missing;
}

export async function markTicketsDelivered(db: Queryable, ids: string[], at: Date): Promise<void> {
  await db.query(`UPDATE tickets SET delivered_at = $2 WHERE id = ANY($1::uuid[])`, [ids, at]);
}
