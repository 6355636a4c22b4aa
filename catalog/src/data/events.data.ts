import type { EventCategory, EventStatus, Queryable } from '@ticketing/common';
import type { ArtworkVersions } from './artwork.data';

/** An events row as the domain sees it. */
export interface EventRow {
  id: string;
  name: string;
  category: EventCategory;
  venueName: string;
  venueCity: string;
  venueCountry: string;
  timeZone: string;
  startsAt: Date;
  status: EventStatus;
  version: number;
  createdAt: Date;
  /** starts_at in microseconds since the epoch, as text: the keyset cursor needs the exact value (Date keeps ms). */
  startsAtMicros: string;
  /** Whether starts_at has passed by the database clock. */
  over: boolean;
  /** The version of each size of its artwork (event_artwork holds the bytes); null without artwork. */
  artwork: ArtworkVersions | null;
}

/** An event with its summary of the listings on sale (listings.data.ts keeps them). */
export interface EventWithSummary extends EventRow {
  listings: number;
  ticketsAvailable: number;
  minPriceCents: number | null;
}

/** What an admin gives when scheduling an event (and, each optional, when editing one). */
export type NewEvent = Pick<EventRow, 'id' | 'name' | 'category' | 'venueName' | 'venueCity' | 'venueCountry' | 'timeZone' | 'startsAt'>;

export type EventChanges = Partial<Omit<NewEvent, 'id'>>;

/** The columns of an EventRow (event-browsing.data.ts selects the same). */
export const COLUMNS = `id, name, category, venue_name AS "venueName", venue_city AS "venueCity", venue_country AS "venueCountry",
  time_zone AS "timeZone", starts_at AS "startsAt", status, version, created_at AS "createdAt",
  (extract(epoch FROM starts_at) * 1000000)::bigint::text AS "startsAtMicros", starts_at <= now() AS over, artwork`;

/** Each event of `e` with its summary: only listings on sale now count; none → zeros and a null price. */
export const SUMMARY = `s.listings, s."ticketsAvailable", s."minPriceCents"`;
export const SUMMARY_JOIN = `CROSS JOIN LATERAL (
    SELECT count(*)::int AS listings, COALESCE(sum(l.available), 0)::int AS "ticketsAvailable", min(l.price_cents) AS "minPriceCents"
    FROM listings l WHERE l.event_id = e.id AND l.status = 'active' AND l.available > 0) s`;

const INSERT = `INSERT INTO events (id, name, category, venue_name, venue_city, venue_country, time_zone, starts_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const insertParams = (e: NewEvent) => [e.id, e.name, e.category, e.venueName, e.venueCity, e.venueCountry, e.timeZone, e.startsAt];

export async function insertEvent(db: Queryable, e: NewEvent): Promise<EventRow> {
  const { rows } = await db.query<EventRow>(`${INSERT} RETURNING ${COLUMNS}`, insertParams(e));
  return rows[0]!;
}

/**
 * Inserts the event unless one with its id exists (scheduled, version 0, like insertEvent); undefined when it existed.
 * One statement, so two transactions creating the same event at once cannot both succeed or fail on the key.
 */
export async function insertEventIfAbsent(db: Queryable, e: NewEvent): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(`${INSERT} ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`, insertParams(e));
  return rows[0];
}

export async function findEvent(db: Queryable, id: string): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE id = $1`, [id]);
  return rows[0];
}

export async function findEventWithSummary(db: Queryable, id: string): Promise<EventWithSummary | undefined> {
  const { rows } = await db.query<EventWithSummary>(`SELECT e.*, ${SUMMARY} FROM (SELECT ${COLUMNS} FROM events WHERE id = $1) e ${SUMMARY_JOIN}`, [id]);
  return rows[0];
}

/**
 * The admin's edit as one guarded statement: it changes the event only while it is scheduled and not over (and, when
 * the caller names the version it saw, still at that version). Undefined: one of those did not hold.
 */
export async function updateEventIfOpen(db: Queryable, id: string, changes: EventChanges, expectedVersion?: number): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(
    `UPDATE events SET name = COALESCE($2, name), category = COALESCE($3, category), venue_name = COALESCE($4, venue_name),
            venue_city = COALESCE($5, venue_city), venue_country = COALESCE($6, venue_country),
            time_zone = COALESCE($7, time_zone), starts_at = COALESCE($8, starts_at), version = version + 1
      WHERE id = $1 AND status = 'scheduled' AND starts_at > now() AND ($9::int IS NULL OR version = $9)
      RETURNING ${COLUMNS}`,
    [
      id,
      changes.name ?? null,
      changes.category ?? null,
      changes.venueName ?? null,
      changes.venueCity ?? null,
      changes.venueCountry ?? null,
      changes.timeZone ?? null,
      changes.startsAt ?? null,
      expectedVersion ?? null,
    ],
  );
  return rows[0];
}

/**
 * Sets the artwork's versions (null: removes it) and bumps the version, guarded like an edit: only while the event is
 * scheduled and not over, and for a removal only while it has artwork. Undefined: one of those did not hold. Called
 * before the artwork's files are written, so the event row's lock orders two admins' uploads.
 */
export async function setArtworkIfOpen(db: Queryable, id: string, artwork: ArtworkVersions | null): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(
    `UPDATE events SET artwork = $2, version = version + 1
      WHERE id = $1 AND status = 'scheduled' AND starts_at > now() AND ($2::jsonb IS NOT NULL OR artwork IS NOT NULL)
      RETURNING ${COLUMNS}`,
    [id, artwork === null ? null : JSON.stringify(artwork)],
  );
  return rows[0];
}

/** Cancels a scheduled event that is not over; undefined when it was cancelled already, over, or unknown. */
export async function cancelEventIfOpen(db: Queryable, id: string): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(
    `UPDATE events SET status = 'cancelled', version = version + 1
      WHERE id = $1 AND status = 'scheduled' AND starts_at > now()
      RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0];
}
