import { randomUUID } from 'node:crypto';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  centsToPrice,
  eventClosedReason,
  findCatalogEvent,
  maxPriceCents,
  splitRefusal,
  withTransaction,
  type DeliveryMethod,
  type Pool,
  type Queryable,
  type ReplicatedEvent,
  type SplitRule,
} from '@ticketing/common';
import { findCatalogEvents } from '../data/catalog-events.data';
import {
  findListing,
  insertListing,
  listEventListings,
  listSellerListings,
  lockListing,
  markListingWithdrawn,
  updateListingTerms,
  type ListingRow,
  type ListingTermChanges,
  type NewestCursor,
  type PriceCursor,
} from '../data/listings.data';
import { insertTickets, ticketsOf, ticketsOfListings, withdrawAvailableTickets } from '../data/tickets.data';
import { recordListingChanged, recordListingCreated, type ListingState } from './listing-events';

export type { ListingTermChanges, NewestCursor, PriceCursor } from '../data/listings.data';

/** A listing with its tickets and the catalogue event it is for (null until the replica has it). */
export interface ListingView extends ListingState {
  event: ReplicatedEvent | null;
}

/** The platform's rules a listing is checked against (config). */
export interface ListingRules {
  maxMarkupPercent: number | null;
}

export interface NewListing {
  eventId: string;
  sellerId: string;
  section: string;
  row: string | null;
  /** One entry per ticket in seat order: its label, or null for unnumbered admission. */
  seats: (string | null)[];
  priceCents: number;
  faceValueCents: number;
  split: SplitRule;
  delivery: DeliveryMethod;
}

export const NO_SUCH_EVENT = 'No such event (an event created moments ago can take a moment to appear)';
export const NOTHING_LEFT = 'Nothing left to change: every ticket is held or sold';

function refuseOverCap(priceCents: number, faceValueCents: number, rules: ListingRules): void {
  const max = maxPriceCents(faceValueCents, rules.maxMarkupPercent);
  if (max !== null && priceCents > max) {
    throw new BadRequestError(
      `price must be at most ${centsToPrice(max)}: face value ${centsToPrice(faceValueCents)} plus at most ${rules.maxMarkupPercent}%`,
      'price',
    );
  }
}

function refuseUnsellable(split: SplitRule, quantity: number): void {
  const reason = splitRefusal(split, quantity);
  if (reason) throw new BadRequestError(reason, 'split');
}

/**
 * A split change must leave a listing that can still sell out whatever its running holds do: pairs only need an even
 * count now AND an even count coming back from each order that may still end unpaid (5 tickets, 1 held, 4 available:
 * switching to pairs would strand one ticket when that hold lapses). Orders that tickets has not heard of yet are not
 * seen here; docs/services/tickets.md says what that narrow window allows.
 */
async function refuseUnsellableSplit(tx: Queryable, listingId: string, split: SplitRule, available: number): Promise<void> {
  refuseUnsellable(split, available);
  if (split !== 'even') return;
  const heldPerOrder = new Map<string, number>();
  for (const t of await ticketsOf(tx, listingId)) {
    if (t.status === 'held' && t.orderId) heldPerOrder.set(t.orderId, (heldPerOrder.get(t.orderId) ?? 0) + 1);
  }
  const odd = [...heldPerOrder.values()].find((n) => n % 2 !== 0);
  if (odd !== undefined) {
    throw new ConflictError(`A buyer is holding ${odd} of these tickets; pairs only can be chosen once that hold ends (paid or released)`, 'split');
  }
}

/** Open for listing: known to the replica, not cancelled, not started. */
async function refuseClosedEvent(db: Queryable, eventId: string): Promise<void> {
  const event = await findCatalogEvent(db, eventId);
  if (!event) throw new BadRequestError(NO_SUCH_EVENT, 'eventId');
  const closed = eventClosedReason(event);
  if (closed) throw new ConflictError(closed);
}

/**
 * Lists the tickets and announces the listing (listing.changed, version 0) in one transaction. An instant listing
 * starts pending: on sale once each ticket has its item (ticket-items.domain.ts).
 */
export async function createListing(pool: Pool, input: NewListing, rules: ListingRules): Promise<ListingView> {
  refuseOverCap(input.priceCents, input.faceValueCents, rules);
  refuseUnsellable(input.split, input.seats.length);
  return withTransaction(pool, async (tx) => {
    await refuseClosedEvent(tx, input.eventId);
    const { seats, ...fields } = input;
    const listing = await insertListing(tx, { id: randomUUID(), ...fields, available: seats.length });
    const tickets = await insertTickets(tx, listing.id, seats);
    const state = await recordListingCreated(tx, { listing, tickets });
    return { ...state, event: await findCatalogEvent(tx, listing.eventId) };
  });
}

export async function getListing(pool: Pool, id: string): Promise<ListingView> {
  const listing = await findListing(pool, id);
  if (!listing) throw new NotFoundError('Listing not found');
  const [tickets, event] = await Promise.all([ticketsOf(pool, id), findCatalogEvent(pool, listing.eventId)]);
  return { listing, tickets, event };
}

/** Under the listing's lock: exists, belongs to the caller. */
async function lockOwnListing(tx: Queryable, id: string, userId: string, verb: string): Promise<ListingRow> {
  const listing = await lockListing(tx, id);
  if (!listing) throw new NotFoundError('Listing not found');
  if (listing.sellerId !== userId) throw new ForbiddenError(`Only the seller can ${verb} this listing`);
  return listing;
}

/**
 * The seller's edit (invariants 4 and 11). It takes the listing's lock, as the order listeners do, so a hold being
 * applied finishes first and the edit sees what is left; it applies to the listing's terms, which only its available
 * tickets still follow (held and sold ones keep what their orders copied).
 */
export function editListing(pool: Pool, id: string, userId: string, changes: ListingTermChanges, rules: ListingRules): Promise<ListingView> {
  return withTransaction(pool, async (tx) => {
    const current = await lockOwnListing(tx, id, userId, 'edit');
    if (current.status === 'withdrawn') throw new ConflictError('The listing is withdrawn; nothing left to change');
    if ((current.status !== 'active' && current.status !== 'pending') || current.available === 0) throw new ConflictError(NOTHING_LEFT);
    if (changes.priceCents !== undefined || changes.faceValueCents !== undefined) {
      refuseOverCap(changes.priceCents ?? current.priceCents, changes.faceValueCents ?? current.faceValueCents, rules);
    }
    if (changes.split !== undefined) await refuseUnsellableSplit(tx, id, changes.split, current.available);
    if (!(await updateListingTerms(tx, id, userId, changes))) throw new ConflictError(NOTHING_LEFT);
    const state = await recordListingChanged(tx, id);
    return { ...state, event: await findCatalogEvent(tx, state.listing.eventId) };
  });
}

/**
 * Takes what is still available off sale (or waiting for items, when pending); held tickets run their course (and
 * become withdrawn, not available, if their order ends). Withdrawing a withdrawn or sold listing changes nothing.
 */
export function withdrawListing(pool: Pool, id: string, userId: string): Promise<void> {
  return withTransaction(pool, async (tx) => {
    const current = await lockOwnListing(tx, id, userId, 'withdraw');
    if (current.status !== 'active' && current.status !== 'pending') return;
    await withdrawAvailableTickets(tx, id);
    await markListingWithdrawn(tx, id);
    await recordListingChanged(tx, id);
  });
}

export interface ListingPage<C> {
  listings: ListingView[];
  next: C | null;
}

async function withTicketsAndEvents(db: Queryable, rows: ListingRow[]): Promise<ListingView[]> {
  const ids = rows.map((l) => l.id);
  const [tickets, events] = await Promise.all([ticketsOfListings(db, ids), findCatalogEvents(db, rows.map((l) => l.eventId))]);
  return rows.map((listing) => ({ listing, tickets: tickets.get(listing.id) ?? [], event: events.get(listing.eventId) ?? null }));
}

/** The event's listings a buyer can order from (quantity when given), cheapest first. */
export async function browseEventListings(
  pool: Pool,
  q: { eventId: string; quantity?: number; limit: number; cursor?: PriceCursor },
): Promise<ListingPage<PriceCursor>> {
  const rows = await listEventListings(pool, { eventId: q.eventId, quantity: q.quantity, limit: q.limit + 1, after: q.cursor });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    listings: await withTicketsAndEvents(pool, page),
    next: rows.length > q.limit && last ? { priceCents: last.priceCents, id: last.id } : null,
  };
}

/** Every listing of one seller, newest first. */
export async function sellerListings(pool: Pool, q: { sellerId: string; limit: number; cursor?: NewestCursor }): Promise<ListingPage<NewestCursor>> {
  const rows = await listSellerListings(pool, { sellerId: q.sellerId, limit: q.limit + 1, after: q.cursor });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    listings: await withTicketsAndEvents(pool, page),
    next: rows.length > q.limit && last ? { createdAtMicros: last.createdAtMicros, id: last.id } : null,
  };
}
