import {
  BadRequestError,
  buyableQuantities,
  canBuy,
  ConflictError,
  eventClosedReason,
  findCatalogEvent,
  isPgError,
  NotFoundError,
  PG_UNIQUE_VIOLATION,
  priceOrder,
  withTransaction,
  type Pool,
  type ListingStatus,
  type SplitRule,
} from '@ticketing/common';
import { randomUUID } from 'node:crypto';
import type { OrderRules } from '../config';
import { countOrderableTickets, findListing, listingTickets, lockListing, type ListingRow } from '../data/listings.data';
import { insertOrder, ONE_ACTIVE_ORDER_PER_TICKET, type OrderRow } from '../data/orders.data';
import { assertMayHold } from './fair-holds';
import { cancelExpired } from './orders';
import { recordOrderCreated } from './order-events';
import { pickTickets } from './seat-picking';

/** Advisory locks of orders' buyers live in their own key space (the two-key form, first key this number). */
const BUYER_LOCK_SPACE = 1_600;

const LISTING_NOT_FOUND = 'Listing not found (a listing created moments ago can take a moment to become orderable)';

/**
 * Buying k tickets of a listing, in ONE transaction (docs/services/orders.md "Placing an order"). The buyer's
 * advisory lock serialises one buyer's requests (fair holds count them one after the other); the listing's row lock
 * serialises orders on one listing (each picks from what the previous one left, so the rest always satisfies the
 * split rule). The partial unique index on order_tickets stays the final arbiter of invariant 1: should two orders
 * ever take one ticket, the second insert fails and its buyer gets 409, not a double sale.
 */
export async function placeOrder(pool: Pool, rules: OrderRules, req: { buyerId: string; listingId: string; quantity: number }): Promise<OrderRow> {
  await refuseAtAGlance(pool, req);
  return withTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [BUYER_LOCK_SPACE, req.buyerId]);
    const listing = await lockListing(tx, req.listingId);
    if (!listing) throw new NotFoundError(LISTING_NOT_FOUND);
    assertWellFormed(listing, req);
    const event = await findCatalogEvent(tx, listing.eventId);
    // tickets only lists for events it knows; orders not knowing it yet is the replica catching up.
    if (!event) throw new NotFoundError(LISTING_NOT_FOUND);
    const closed = eventClosedReason(event);
    if (closed) throw new ConflictError(closed);
    if (listing.status !== 'active') throw new ConflictError(NOT_ON_SALE[listing.status]);
    assertBeforeDeliveryCutoff(listing, event.startsAt, rules.deliveryCutoffHours);

    // A hold past its expiry ends here, in the transaction that takes the tickets, so they are orderable again on
    // time even when the expiration service is late or down (invariant 3).
    await cancelExpired(tx, { listingId: listing.id });
    await assertMayHold(tx, rules.fairHolds, req);

    const tickets = await listingTickets(tx, listing.id);
    const free = tickets.filter((t) => t.free).length;
    assertQuantitySellableNow(listing.split, free, req.quantity);
    const picked = pickTickets(tickets, req.quantity)!;

    const price = priceOrder(listing.priceCents, req.quantity, rules.fees);
    try {
      const order = await insertOrder(tx, {
        id: randomUUID(),
        userId: req.buyerId,
        listingId: listing.id,
        eventId: listing.eventId,
        sellerId: listing.sellerId,
        section: listing.section,
        row: listing.row,
        quantity: req.quantity,
        unitPriceCents: price.unitPriceCents,
        buyerFeeCents: price.buyerFeeCents,
        sellerFeeCents: price.sellerFeeCents,
        totalCents: price.totalCents,
        holdSeconds: rules.holdSeconds,
        tickets: picked,
      });
      await recordOrderCreated(tx, order);
      return order;
    } catch (err) {
      if (isPgError(err, PG_UNIQUE_VIOLATION, ONE_ACTIVE_ORDER_PER_TICKET)) {
        throw new ConflictError('These tickets were just taken by another order; try again', 'quantity');
      }
      throw err;
    }
  });
}

const NOT_ON_SALE: Record<Exclude<ListingStatus, 'active'>, string> = {
  pending: 'This listing is not on sale yet',
  sold: 'This listing is sold out',
  withdrawn: 'This listing has been withdrawn by its seller',
};

/**
 * A `later` listing's seller delivers up to DELIVERY_CUTOFF_HOURS before the event; a sale after that moment would
 * leave them no time, so new orders are refused from then on (orders already paid keep their deadline).
 */
function assertBeforeDeliveryCutoff(listing: ListingRow, startsAt: Date, cutoffHours: number): void {
  if (listing.delivery !== 'later') return;
  const closedAt = new Date(startsAt.getTime() - cutoffHours * 3_600_000);
  if (Date.now() < closedAt.getTime()) return;
  throw new ConflictError(
    `Tickets delivered later stop selling ${spanOfHours(cutoffHours)} before the event: sales of this listing closed at ` +
      `${closedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. Listings with instant delivery still sell until the event starts`,
  );
}

/** 24 → '24 hours', 1 → '1 hour', 0.5 → '30 minutes', 0.002 → '7 seconds'. */
export function spanOfHours(hours: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (Number.isInteger(hours)) return plural(hours, 'hour');
  const minutes = hours * 60;
  if (Number.isInteger(Math.round(minutes * 1e6) / 1e6) && minutes >= 1) return plural(Math.round(minutes), 'minute');
  return plural(Math.max(1, Math.round(hours * 3600)), 'second');
}

/**
 * Before any lock: a request the listing can certainly not satisfy is answered at once, so the losers of an on-sale
 * rush do not queue on the listing's row lock, each holding a database connection, only to be told the same. Only
 * refusals that the locked path would give too (the orderable count is an upper bound); anything else goes on.
 */
async function refuseAtAGlance(pool: Pool, req: { buyerId: string; listingId: string; quantity: number }): Promise<void> {
  const listing = await findListing(pool, req.listingId);
  if (!listing) return;
  assertWellFormed(listing, req);
  const orderable = await countOrderableTickets(pool, listing.id);
  if (orderable < req.quantity) assertEnoughFree(orderable, req.quantity);
}

/** Your own listing, or a quantity the split rule can never sell (pairs only, odd k): bad input, whatever is left. */
function assertWellFormed(listing: ListingRow, req: { buyerId: string; quantity: number }): void {
  if (listing.sellerId === req.buyerId) throw new BadRequestError('You cannot order tickets from your own listing', 'listingId');
  if (listing.split === 'even' && req.quantity % 2 !== 0) {
    throw new BadRequestError('This listing sells tickets in pairs: choose an even quantity', 'quantity');
  }
}

function assertEnoughFree(free: number, k: number): void {
  if (free === 0) throw new ConflictError('No tickets left: every ticket of this listing is held or sold', 'quantity');
  if (k > free) throw new ConflictError(`Only ${free} ticket${free === 1 ? '' : 's'} left`, 'quantity');
}

function assertQuantitySellableNow(split: SplitRule, free: number, k: number): void {
  assertEnoughFree(free, k);
  if (canBuy(split, free, k)) return;
  const ks = buyableQuantities(split, free);
  const why = split === 'all' ? 'only all remaining tickets together' : split === 'no-single' ? 'without leaving a single ticket' : 'in pairs';
  throw new ConflictError(`With ${free} tickets left this listing sells ${why}: you can order ${orList(ks)}`, 'quantity');
}

function orList(ks: number[]): string {
  if (ks.length === 0) return 'none now';
  if (ks.length === 1) return `${ks[0]}`;
  return `${ks.slice(0, -1).join(', ')} or ${ks[ks.length - 1]}`;
}

