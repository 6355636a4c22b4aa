import type { ListingStatus, Queryable } from '@ticketing/common';

/** A listing as the catalogue's read model keeps it (a snapshot from listing.changed). */
export interface ListingRow {
  id: string;
  eventId: string;
  version: number;
  status: ListingStatus;
  available: number;
  priceCents: number;
}

/**
 * Stores the snapshot unless the read model already holds this version or a newer one: one statement, so two
 * deliveries racing for the same listing cannot take it backwards (ON CONFLICT locks the row it compares with).
 * Returns whether it was stored.
 */
export async function upsertListingIfNewer(db: Queryable, l: ListingRow): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO listings (id, event_id, version, status, available, price_cents) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET event_id = EXCLUDED.event_id, version = EXCLUDED.version, status = EXCLUDED.status,
       available = EXCLUDED.available, price_cents = EXCLUDED.price_cents, updated_at = now()
     WHERE listings.version < EXCLUDED.version`,
    [l.id, l.eventId, l.version, l.status, l.available, l.priceCents],
  );
  return res.rowCount === 1;
}

export async function findListing(db: Queryable, id: string): Promise<ListingRow | undefined> {
  const { rows } = await db.query<ListingRow>(
    `SELECT id, event_id AS "eventId", version, status, available, price_cents AS "priceCents" FROM listings WHERE id = $1`,
    [id],
  );
  return rows[0];
}
