import type { Queryable, ReplicatedEvent } from '@ticketing/common';

/** The replicated catalogue events of a page of listings, by id (common's findCatalogEvent reads one). */
export async function findCatalogEvents(db: Queryable, ids: string[]): Promise<Map<string, ReplicatedEvent>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const { rows } = await db.query<ReplicatedEvent>(
    `SELECT id, version, name, category, venue, time_zone AS "timeZone", starts_at AS "startsAt", status
       FROM catalog_events WHERE id = ANY($1::uuid[])`,
    [unique],
  );
  return new Map(rows.map((e) => [e.id, e]));
}
