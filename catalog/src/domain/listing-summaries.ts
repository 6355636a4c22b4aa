import type { ListingChangedEvent, Queryable } from '@ticketing/common';
import { upsertListingIfNewer } from '../data/listings.data';

/**
 * The read model behind each event's summary. listing.changed is a whole snapshot of the listing, so the newest
 * version seen is the truth: applied when it is newer than what is stored, ignored when it is the same or older (a
 * redelivery, a replay, a version overtaken on the wire). The listing never goes backwards, whatever the order.
 */
export type SummaryOutcome = 'applied' | 'stale';

export async function applyListingChanged(tx: Queryable, e: ListingChangedEvent): Promise<SummaryOutcome> {
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
