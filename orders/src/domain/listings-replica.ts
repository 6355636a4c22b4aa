import type { ListingChangedEvent, Queryable } from '@ticketing/common';
import { insertListingTickets, upsertListingIfNewer } from '../data/listings.data';

/**
 * listing.changed carries the whole listing, so the replica keeps the highest version it has seen (invariant 5):
 * - applied: newer than what was stored (or the listing is new), now stored;
 * - stale:   this version or a later one is stored (a duplicate, an older copy, or one overtaken): nothing to do.
 * There is no "early": any version may be applied on its own, so nothing waits for a predecessor.
 */
export type ReplicaOutcome = 'applied' | 'stale';

export async function applyListingChanged(tx: Queryable, e: ListingChangedEvent): Promise<ReplicaOutcome> {
  if (!(await upsertListingIfNewer(tx, e))) return 'stale';
  // A listing's tickets and seats never change after it is created: the first snapshot applied inserts them.
  await insertListingTickets(tx, e.id, e.tickets);
  return 'applied';
}
