import { writeOutbox, type ListingChangedEvent, type Queryable } from '@ticketing/common';
import { recountListing, type ListingRow } from '../data/listings.data';
import { ticketsOf, type TicketRow } from '../data/tickets.data';

/**
 * Every change to a listing or any of its tickets is announced in the transaction that makes it (docs/design.md
 * invariant 5): one listing.changed, a whole snapshot, per change, so catalog and orders keep the highest version.
 */

export function listingSnapshot(l: ListingRow, tickets: TicketRow[]): ListingChangedEvent {
  return {
    id: l.id,
    eventId: l.eventId,
    sellerId: l.sellerId,
    version: l.version,
    status: l.status,
    section: l.section,
    row: l.row,
    priceCents: l.priceCents,
    faceValueCents: l.faceValueCents,
    split: l.split,
    delivery: l.delivery,
    available: l.available,
    tickets: tickets.map((t) => ({ id: t.id, seat: t.seat, status: t.status })),
  };
}

export interface ListingState {
  listing: ListingRow;
  tickets: TicketRow[];
}

/** A new listing (version 0) and its tickets, announced. */
export async function recordListingCreated(tx: Queryable, state: ListingState): Promise<ListingState> {
  await writeOutbox(tx, 'listing.changed', listingSnapshot(state.listing, state.tickets));
  return state;
}

/**
 * Closes a change the caller made under the listing's lock: version + 1, available and status recomputed, and the
 * snapshot written, all in the caller's transaction. Call it once per change, however many tickets moved.
 */
export async function recordListingChanged(tx: Queryable, listingId: string): Promise<ListingState> {
  const listing = await recountListing(tx, listingId);
  const tickets = await ticketsOf(tx, listingId);
  await writeOutbox(tx, 'listing.changed', listingSnapshot(listing, tickets));
  return { listing, tickets };
}
