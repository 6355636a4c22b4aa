import type { DeliveryMethod, ListingChangedEvent, ListingStatus, Queryable, SplitRule } from '@ticketing/common';

/** A listing as orders knows it (the replica, fed by listing.changed). */
export interface ListingRow {
  id: string;
  eventId: string;
  sellerId: string;
  section: string;
  row: string | null;
  priceCents: number;
  faceValueCents: number;
  split: SplitRule;
  delivery: DeliveryMethod;
  status: ListingStatus;
  version: number;
}

/** A ticket of a listing with whether an active order holds or owns it. */
export interface ListingTicket {
  id: string;
  seat: string | null;
  position: number;
  free: boolean;
}

const COLUMNS = `id, event_id AS "eventId", seller_id AS "sellerId", section, row, price_cents AS "priceCents",
  face_value_cents AS "faceValueCents", split, delivery, status, version`;

export async function findListing(db: Queryable, id: string): Promise<ListingRow | undefined> {
  const { rows } = await db.query<ListingRow>(`SELECT ${COLUMNS} FROM listings WHERE id = $1`, [id]);
  return rows[0];
}

/**
 * Locks the listing's row until the transaction ends: orders on one listing take its tickets one after another, so
 * each sees what the previous one took and the tickets left always satisfy the split rule (invariant 2).
 */
export async function lockListing(db: Queryable, id: string): Promise<ListingRow | undefined> {
  const { rows } = await db.query<ListingRow>(`SELECT ${COLUMNS} FROM listings WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

/**
 * Every ticket of the listing in seat order, free unless an active order holds or owns it or it was retired (its
 * seller never delivered it to a buyer: never orderable again).
 */
export async function listingTickets(db: Queryable, listingId: string): Promise<ListingTicket[]> {
  const { rows } = await db.query<ListingTicket>(
    `SELECT t.id, t.seat, t.position,
            NOT t.retired AND NOT EXISTS (SELECT 1 FROM order_tickets ot WHERE ot.ticket_id = t.id AND ot.active) AS free
     FROM listing_tickets t WHERE t.listing_id = $1 ORDER BY t.position`,
    [listingId],
  );
  return rows;
}

/**
 * Stores the snapshot when it is newer than the stored one (or the listing is new): one statement, so two replicas
 * applying versions of one listing at once end with the highest, whichever commits first. Returns whether it applied.
 */
export async function upsertListingIfNewer(db: Queryable, l: ListingChangedEvent): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO listings AS l (id, event_id, seller_id, section, row, price_cents, face_value_cents, split, delivery, status, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (id) DO UPDATE SET event_id = EXCLUDED.event_id, seller_id = EXCLUDED.seller_id, section = EXCLUDED.section,
       row = EXCLUDED.row, price_cents = EXCLUDED.price_cents, face_value_cents = EXCLUDED.face_value_cents,
       split = EXCLUDED.split, delivery = EXCLUDED.delivery, status = EXCLUDED.status, version = EXCLUDED.version,
       updated_at = now()
     WHERE l.version < EXCLUDED.version`,
    [l.id, l.eventId, l.sellerId, l.section, l.row, l.priceCents, l.faceValueCents, l.split, l.delivery, l.status, l.version],
  );
  return res.rowCount === 1;
}

/** A listing's tickets, inserted once: seats never change, so a ticket already stored is left as it is. */
export async function insertListingTickets(db: Queryable, listingId: string, tickets: Array<{ id: string; seat: string | null }>): Promise<void> {
  await db.query(
    `INSERT INTO listing_tickets (id, listing_id, seat, position)
     SELECT t.id, $1, t.seat, (t.n - 1)::int FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS t(id, seat, n)
     ON CONFLICT DO NOTHING`,
    [listingId, tickets.map((t) => t.id), tickets.map((t) => t.seat)],
  );
}

/**
 * How many of the listing's tickets an order could take now at most: those no active order holds, plus those held
 * only by holds already past their expiry (the next order sweeps them). Read without locks: an upper bound that
 * only a cancellation committed after it could raise.
 */
export async function countOrderableTickets(db: Queryable, listingId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM listing_tickets t
     WHERE t.listing_id = $1 AND NOT t.retired
       AND NOT EXISTS (SELECT 1 FROM order_tickets ot JOIN orders o ON o.id = ot.order_id
                       WHERE ot.ticket_id = t.id AND ot.active AND NOT (o.status = 'created' AND o.expires_at < now()))`,
    [listingId],
  );
  return rows[0]!.n;
}
