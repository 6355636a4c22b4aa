import { LEGACY_EVENT_ID, type Queryable } from '@ticketing/common';
import { insertEventIfAbsent, type NewEvent } from '../data/events.data';
import { recordEventScheduled } from './catalog-events';

/**
 * The event the tickets listed before events existed were moved under (issue 16's migrations). Tickets' and orders'
 * databases create their replica of it in their migrations; catalog owns events, so it creates the real one, with the
 * same fields, when the first migrated listing arrives: those listings then show under an event a buyer can open.
 * An admin may rename, reschedule or cancel it like any other.
 */
export const LEGACY_EVENT: NewEvent = {
  id: LEGACY_EVENT_ID,
  name: 'Listings from before events',
  category: 'other',
  venueName: 'Venue to be announced',
  venueCity: 'To be announced',
  venueCountry: 'US',
  timeZone: 'UTC',
  startsAt: new Date('2027-12-31T20:00:00Z'),
};

/**
 * Creates the legacy event (version 0, scheduled) with its event.scheduled, in the caller's transaction, unless
 * catalog already has it; returns whether it was created. Tickets and orders apply that event.scheduled as stale
 * (their replicas already hold version 0), so nothing downstream changes.
 */
export async function ensureLegacyEvent(tx: Queryable): Promise<boolean> {
  const created = await insertEventIfAbsent(tx, LEGACY_EVENT);
  if (created) await recordEventScheduled(tx, created);
  return created !== undefined;
}
