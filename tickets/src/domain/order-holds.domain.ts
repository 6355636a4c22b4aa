import type { Logger, OrderCancelledEvent, OrderCompletedEvent, OrderCreatedEvent, PoolClient } from '@ticketing/common';
import { markOrderNotDelivered, rememberOrder, ticketsWithNewerOrder } from '../data/known-orders.data';
import { lockListing, type ListingRow } from '../data/listings.data';
import { lockTickets, setTicketsState, type TicketRow } from '../data/tickets.data';
import { startDelivery, type DeliveryRules } from './deliveries.domain';
import { withdrawOrderOfCancelledEvent } from './event-cancellation.domain';
import { recordListingChanged } from './listing-events';

/**
 * How orders' events move the holds on a listing's tickets. Orders guarantees at most one active order per ticket,
 * but its events for DIFFERENT orders reach us in any order (each order is its own aggregate; failed deliveries come
 * back later). So each decision looks at what we know of every order of the listing (known_orders, one row per order
 * with its ticket ids), not at what arrived last. Decided per ticket of the order X:
 *
 *  | event             | the ticket is …                                  | outcome                                   |
 *  |-------------------|--------------------------------------------------|-------------------------------------------|
 *  | order.created X   | X already ended (cancelled/completed known)      | nothing, for every ticket of X            |
 *  |                   | held by X                                        | nothing (a repeat)                        |
 *  |                   | sold                                             | nothing (to X or another: sold is final)  |
 *  |                   | named by an order seen that expires later than X | nothing: X ended before that one began    |
 *  |                   | available, withdrawn, or held by an older order  | held by X (a withdrawal that crossed X in |
 *  |                   |                                                  | flight loses: orders took it first; an    |
 *  |                   |                                                  | older holder's cancellation is on its way)|
 *  | order.cancelled X | reason not_delivered / event_cancelled           | X's sold (and, event_cancelled, held)     |
 *  |                   |                                                  | tickets withdrawn for good                |
 *  |                   | X known completed                                | nothing (orders never cancels those)      |
 *  |                   | held by X                                        | available, or withdrawn if the listing is |
 *  |                   | anything else (another order's, sold, free)      | nothing: only the holder frees            |
 *  | order.completed X | sold to X                                        | nothing (a repeat)                        |
 *  |                   | sold to another order                            | nothing, logged as an error               |
 *  |                   | held by X or an older order, available, withdrawn| sold to X: a completed order was never    |
 *  |                   |                                                  | cancelled, so no newer order on it exists |
 *
 * "Newer expires later" holds while ORDER_EXPIRATION_SECONDS is constant (docs/services/tickets.md).
 *
 * Every handler locks the listing row first, then its tickets in seat order: the seller's routes take the same
 * listing lock, and the consumer's lane key is the listing id, so two batches never lock in opposite orders. However
 * many tickets move, the listing's version goes up once and one listing.changed is written, in the consumer's
 * transaction (which also records the event in the inbox).
 */

export type HoldOutcome = 'held' | 'freed' | 'sold' | 'withdrawn' | 'unchanged' | 'unknown-listing';

interface HoldContext {
  tx: PoolClient;
  logger: Logger;
}

interface Locked {
  listing: ListingRow;
  tickets: TicketRow[];
}

/** Tickets owns listings: an order for a listing or ticket we never had is garbage, not something to wait for. */
async function lockOrReport(ctx: HoldContext, listingId: string, ticketIds: string[], orderId: string, subject: string): Promise<Locked | null> {
  const listing = await lockListing(ctx.tx, listingId);
  if (!listing) {
    ctx.logger.error({ listingId, orderId }, `${subject} for a listing that does not exist; ignored`);
    return null;
  }
  const tickets = await lockTickets(ctx.tx, listingId, ticketIds);
  if (tickets.length !== ticketIds.length) {
    const found = new Set(tickets.map((t) => t.id));
    ctx.logger.error({ listingId, orderId, missing: ticketIds.filter((id) => !found.has(id)) }, `${subject} names tickets the listing does not have; those are ignored`);
  }
  return { listing, tickets };
}

async function moveTickets(ctx: HoldContext, listingId: string, ids: string[], status: TicketRow['status'], orderId: string | null): Promise<void> {
  await setTicketsState(ctx.tx, ids, status, orderId);
  await recordListingChanged(ctx.tx, listingId);
}

export async function applyOrderCreated(ctx: HoldContext, order: OrderCreatedEvent): Promise<HoldOutcome> {
  const ticketIds = order.tickets.map((t) => t.id);
  const locked = await lockOrReport(ctx, order.listingId, ticketIds, order.id, 'order.created');
  if (!locked) return 'unknown-listing';
  const known = await rememberOrder(ctx.tx, { orderId: order.id, listingId: order.listingId, ticketIds, state: 'created', version: order.version, expiresAt: order.expiresAt, buyerId: order.userId });
  const log = ctx.logger.child({ listingId: order.listingId, orderId: order.id });
  if (known.state !== 'created') {
    log.info({ orderState: known.state }, 'order.created after the order ended; not holding');
    return 'unchanged';
  }
  const superseded = await ticketsWithNewerOrder(ctx.tx, order.listingId, ticketIds, order.id, order.expiresAt);
  const toHold: string[] = [];
  for (const t of locked.tickets) {
    if (t.orderId === order.id && t.status === 'held') continue;
    if (t.status === 'sold') log.warn({ ticketId: t.id, soldTo: t.orderId }, 'order.created for a sold ticket; not holding it');
    else if (superseded.has(t.id)) log.info({ ticketId: t.id }, 'order.created of an order older than one already seen for this ticket; not holding it');
    else {
      if (t.orderId) log.info({ ticketId: t.id, heldBy: t.orderId }, 'newer order takes over the hold (the older one ended; its cancellation is on its way)');
      if (t.status === 'withdrawn') log.info({ ticketId: t.id }, 'holding a withdrawn ticket: the order took it before it learnt of the withdrawal');
      toHold.push(t.id);
    }
  }
  if (!toHold.length) return 'unchanged';
  await moveTickets(ctx, order.listingId, toHold, 'held', order.id);
  return 'held';
}

export async function applyOrderCancelled(ctx: HoldContext, order: OrderCancelledEvent): Promise<HoldOutcome> {
  const locked = await lockOrReport(ctx, order.listingId, order.ticketIds, order.id, 'order.cancelled');
  if (!locked) return 'unknown-listing';
  if (order.reason === 'not_delivered') return withdrawUndelivered(ctx, order, locked);
  if (order.reason === 'event_cancelled') return (await withdrawOrderOfCancelledEvent(ctx, order)) ? 'withdrawn' : 'unchanged';
  const known = await rememberOrder(ctx.tx, { orderId: order.id, listingId: order.listingId, ticketIds: order.ticketIds, state: 'cancelled', version: order.version });
  const log = ctx.logger.child({ listingId: order.listingId, orderId: order.id });
  if (known.state === 'completed') {
    log.error('order.cancelled for a completed order; ignored (orders never cancels a completed order)');
    return 'unchanged';
  }
  const held = locked.tickets.filter((t) => t.orderId === order.id && t.status === 'held').map((t) => t.id);
  if (!held.length) {
    log.debug('order.cancelled for an order holding none of its tickets; nothing to free');
    return 'unchanged';
  }
  await moveTickets(ctx, order.listingId, held, locked.listing.status === 'withdrawn' ? 'withdrawn' : 'available', null);
  return 'freed';
}

/**
 * A paid order whose delivery was missed, refunded by orders and payments: its tickets are off the market for good
 * (withdrawn, never for sale again; their barcodes leave the uniqueness set, so a genuine holder may list them anew).
 */
async function withdrawUndelivered(ctx: HoldContext, order: OrderCancelledEvent, locked: Locked): Promise<HoldOutcome> {
  await rememberOrder(ctx.tx, { orderId: order.id, listingId: order.listingId, ticketIds: order.ticketIds, state: 'cancelled', version: order.version });
  await markOrderNotDelivered(ctx.tx, order.id);
  const sold = locked.tickets.filter((t) => t.orderId === order.id && t.status === 'sold').map((t) => t.id);
  if (!sold.length) return 'unchanged';
  ctx.logger.info({ listingId: order.listingId, orderId: order.id, tickets: sold.length }, 'delivery missed: the order\'s tickets are withdrawn');
  await moveTickets(ctx, order.listingId, sold, 'withdrawn', null);
  return 'withdrawn';
}

export async function applyOrderCompleted(ctx: HoldContext, order: OrderCompletedEvent, rules: DeliveryRules): Promise<HoldOutcome> {
  const locked = await lockOrReport(ctx, order.listingId, order.ticketIds, order.id, 'order.completed');
  if (!locked) return 'unknown-listing';
  const known = await rememberOrder(ctx.tx, { orderId: order.id, listingId: order.listingId, ticketIds: order.ticketIds, state: 'completed', version: order.version });
  const log = ctx.logger.child({ listingId: order.listingId, orderId: order.id });
  if (known.state !== 'completed') {
    log.info('order.completed older than the order\'s cancellation (a redelivery); not selling');
    return 'unchanged';
  }
  const toSell: string[] = [];
  for (const t of locked.tickets) {
    if (t.status === 'sold') {
      if (t.orderId !== order.id) log.error({ ticketId: t.id, soldTo: t.orderId }, 'order.completed for a ticket sold to another order; ignored (sold twice upstream?)');
      continue;
    }
    if (t.orderId && t.orderId !== order.id) log.info({ ticketId: t.id, heldBy: t.orderId }, 'order.completed for a ticket held by an older order; selling to the completed one');
    toSell.push(t.id);
  }
  if (toSell.length) await moveTickets(ctx, order.listingId, toSell, 'sold', order.id);
  // Delivery starts once per order (a repeat finds its row): for every ticket the order bought, in seat order.
  const bought = locked.tickets.filter((t) => toSell.includes(t.id) || (t.status === 'sold' && t.orderId === order.id)).map((t) => t.id);
  await startDelivery(ctx.tx, locked.listing, order.id, bought, rules, log);
  return toSell.length ? 'sold' : 'unchanged';
}
