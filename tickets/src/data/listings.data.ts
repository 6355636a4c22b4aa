import type { DeliveryMethod, ListingStatus, Queryable, SplitRule } from '@ticketing/common';

/** A listings row as the domain sees it (migrations/0002_listings.sql). */
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
  /** Tickets with status available, recounted by every change (recountListing). */
  available: number;
  version: number;
  createdAt: Date;
  /** created_at in microseconds since the epoch, as text: the seller's keyset cursor needs the exact value. */
  createdAtMicros: string;
}

/** The row's columns as ListingRow; `t` qualifies them when another relation in the statement has the same names. */
const columns = (t = '') => `${t}id, ${t}event_id AS "eventId", ${t}seller_id AS "sellerId", ${t}section, ${t}row,
  ${t}price_cents AS "priceCents", ${t}face_value_cents AS "faceValueCents", ${t}split, ${t}delivery, ${t}status, ${t}available,
  ${t}version, ${t}created_at AS "createdAt", (extract(epoch FROM ${t}created_at) * 1000000)::bigint::text AS "createdAtMicros"`;
const COLUMNS = columns();

export interface NewListingRow {
  id: string;
  eventId: string;
  sellerId: string;
  section: string;
  row: string | null;
  priceCents: number;
  faceValueCents: number;
  split: SplitRule;
  delivery: DeliveryMethod;
  available: number;
}

/** An instant listing starts `pending` (its items come next); a later one goes on sale at once. */
export async function insertListing(db: Queryable, l: NewListingRow): Promise<ListingRow> {
  const { rows } = await db.query<ListingRow>(
    `INSERT INTO listings (id, event_id, seller_id, section, row, price_cents, face_value_cents, split, delivery, available, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
    [l.id, l.eventId, l.sellerId, l.section, l.row, l.priceCents, l.faceValueCents, l.split, l.delivery, l.available,
     l.delivery === 'instant' ? 'pending' : 'active'],
  );
  return rows[0]!;
}

export async function findListing(db: Queryable, id: string): Promise<ListingRow | null> {
  const { rows } = await db.query<ListingRow>(`SELECT ${COLUMNS} FROM listings WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/**
 * Same, holding the row lock until the transaction ends. Everything that changes a listing or its tickets (the
 * seller's routes, the order listeners) takes this lock first, so they apply one after another per listing.
 */
export async function lockListing(db: Queryable, id: string): Promise<ListingRow | null> {
  const { rows } = await db.query<ListingRow>(`SELECT ${COLUMNS} FROM listings WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ?? null;
}

/** The event's listings not yet withdrawn, locked in id order (one order for every closer: no deadlock between two). */
export async function lockOpenListingsOfEvent(db: Queryable, eventId: string): Promise<ListingRow[]> {
  const { rows } = await db.query<ListingRow>(
    `SELECT ${COLUMNS} FROM listings WHERE event_id = $1 AND status <> 'withdrawn' ORDER BY id FOR UPDATE`,
    [eventId],
  );
  return rows;
}

export interface ListingTermChanges {
  section?: string;
  /** null clears the row. */
  row?: string | null;
  priceCents?: number;
  faceValueCents?: number;
  split?: SplitRule;
}

/**
 * The seller's edit as one guarded statement: it changes the listing only if it belongs to the seller, is on sale and
 * still has an available ticket, so even without the caller's lock a hold that took the last ticket first wins.
 * Held and sold tickets are not touched: their orders copied price, section and row when they were created.
 */
export async function updateListingTerms(db: Queryable, id: string, sellerId: string, c: ListingTermChanges): Promise<boolean> {
  const res = await db.query(
    `UPDATE listings SET section = COALESCE($3, section), row = CASE WHEN $4 THEN $5 ELSE row END,
            price_cents = COALESCE($6, price_cents), face_value_cents = COALESCE($7, face_value_cents), split = COALESCE($8, split)
      WHERE id = $1 AND seller_id = $2 AND status IN ('pending', 'active') AND available > 0`,
    [id, sellerId, c.section ?? null, c.row !== undefined, c.row ?? null, c.priceCents ?? null, c.faceValueCents ?? null, c.split ?? null],
  );
  return res.rowCount === 1;
}

export async function markListingWithdrawn(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE listings SET status = 'withdrawn' WHERE id = $1`, [id]);
}

/**
 * The end of every change: version + 1, available recounted, status derived (withdrawn stays withdrawn; pending stays
 * pending while a ticket lacks its item; else sold when no ticket is available or held; else active). The caller holds the listing's lock.
 */
export async function recountListing(db: Queryable, id: string): Promise<ListingRow> {
  const { rows } = await db.query<ListingRow>(
    `WITH counts AS (
       SELECT count(*) FILTER (WHERE status = 'available')::int AS available,
              count(*) FILTER (WHERE status IN ('available', 'held'))::int AS open,
              count(*) FILTER (WHERE status <> 'withdrawn' AND NOT has_item)::int AS missing_items
         FROM tickets WHERE listing_id = $1)
     UPDATE listings l SET version = l.version + 1, updated_at = now(), available = counts.available,
            status = CASE WHEN l.status = 'withdrawn' THEN 'withdrawn'
                          WHEN l.status = 'pending' AND counts.missing_items > 0 THEN 'pending'
                          WHEN counts.open = 0 THEN 'sold' ELSE 'active' END
       FROM counts WHERE l.id = $1
     RETURNING ${columns('l.')}`,
    [id],
  );
  return rows[0]!;
}

/** Keyset position on the event's page: rows strictly after (more expensive than, then greater id than) this. */
export interface PriceCursor {
  priceCents: number;
  id: string;
}

/** Keyset position on a seller's page: rows strictly older than this (created_at, id). */
export interface NewestCursor {
  createdAtMicros: string;
  id: string;
}

/**
 * The event's active listings that can sell `quantity` now (canBuy of common/src/market/split.ts, in SQL), or that
 * have anything available, cheapest first (price, then id). Fetches `limit` rows (callers ask one more).
 */
export async function listEventListings(
  db: Queryable,
  q: { eventId: string; quantity?: number; limit: number; after?: PriceCursor },
): Promise<ListingRow[]> {
  const params: unknown[] = [q.eventId, q.limit];
  const where = [`event_id = $1`, `status = 'active'`];
  if (q.quantity === undefined) where.push('available > 0');
  else {
    params.push(q.quantity);
    where.push(`CASE split WHEN 'any' THEN available >= $3
                           WHEN 'even' THEN available >= $3 AND $3 % 2 = 0
                           WHEN 'all' THEN available = $3
                           ELSE available >= $3 AND available - $3 <> 1 END`);
  }
  if (q.after) {
    params.push(q.after.priceCents, q.after.id);
    where.push(`(price_cents, id) > ($${params.length - 1}::int, $${params.length}::uuid)`);
  }
  const { rows } = await db.query<ListingRow>(
    `SELECT ${COLUMNS} FROM listings WHERE ${where.join(' AND ')} ORDER BY price_cents, id LIMIT $2`,
    params,
  );
  return rows;
}

/** Every listing of the seller, newest first by (created_at, id). */
export async function listSellerListings(db: Queryable, q: { sellerId: string; limit: number; after?: NewestCursor }): Promise<ListingRow[]> {
  const params: unknown[] = [q.sellerId, q.limit];
  let after = '';
  if (q.after) {
    params.push(q.after.createdAtMicros, q.after.id);
    after = `AND (created_at, id) < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4::uuid)`;
  }
  const { rows } = await db.query<ListingRow>(
    `SELECT ${COLUMNS} FROM listings WHERE seller_id = $1 ${after} ORDER BY created_at DESC, id DESC LIMIT $2`,
    params,
  );
  return rows;
}
