import { writeOutbox, type CatalogEventPayload, type Queryable } from '@ticketing/common';
import type { EventRow } from '../data/events.data';
import { artworkUrls } from './artwork-urls';

/**
 * The events catalog publishes, written to the outbox in the caller's transaction: a change to the catalogue and its
 * announcement commit together or not at all (docs/design.md invariant 4). Each carries the whole event after the
 * change, so tickets, orders and payments can keep a replica from any one of them (newest version wins).
 */

/** The event as every event.* carries it; the API's event is this plus the listings summary. */
export function eventPayloadOf(e: EventRow): CatalogEventPayload {
  return {
    id: e.id,
    version: e.version,
    name: e.name,
    category: e.category,
    venue: { name: e.venueName, city: e.venueCity, country: e.venueCountry },
    timeZone: e.timeZone,
    startsAt: e.startsAt.toISOString(),
    status: e.status,
    artwork: e.artwork && artworkUrls(e.id, e.artwork),
  };
}

export function recordEventScheduled(tx: Queryable, e: EventRow): Promise<string> {
  return writeOutbox(tx, 'event.scheduled', eventPayloadOf(e));
}

export function recordEventUpdated(tx: Queryable, e: EventRow): Promise<string> {
  return writeOutbox(tx, 'event.updated', eventPayloadOf(e));
}

/** Tickets closes the event's listings on it, orders ends its holds, payments refunds its paid orders (issue 17). */
export function recordEventCancelled(tx: Queryable, e: EventRow): Promise<string> {
  if (e.status !== 'cancelled') throw new Error(`event ${e.id} is ${e.status}, not cancelled`);
  return writeOutbox(tx, 'event.cancelled', eventPayloadOf(e));
}
