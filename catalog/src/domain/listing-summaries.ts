import { LEGACY_EVENT_ID, type ListingChangedEvent, type Queryable } from '@ticketing/common';
import { upsertListingIfNewer } from '../data/listings.data';
import { ensureLegacyEvent } from './legacy-event';

/**
 * The read model behind each event's summary. listing.changed is a whole snapshot of the listing, so the newest
 * version seen is the truth: applied when it is newer than what is stored, ignored when it is the same or older (a
 * redelivery, a replay, a version overtaken on the wire). The listing never goes backwards, whatever the order.
 */
export type SummaryOutcome = 'applied' | 'stale';

/**
 * Stores the snapshot's summary fields (the summary needs no more of it). A listing migrated from before events names
 * LEGACY_EVENT_ID: the event is created first if catalog has none, in the same transaction, so the listing is never
 * shown under an event that does not exist.
 */
export async function applyListingChanged(tx: Queryable, e: ListingChangedEvent): Promise<SummaryOutcome> {
  if (e.eventId === LEGACY_EVENT_ID) await ensureLegacyEvent(tx);
  const stored = await upsertListingIfNewer(tx, {
    id: e.id,
    eventId: e.eventId,
    version: e.version,
    status: e.status,
    available: e.available,
    priceCents: e.priceCents,
  });
  return stored ? 'applied' : 'stale';
}
