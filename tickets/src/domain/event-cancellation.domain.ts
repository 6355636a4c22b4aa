import type { Logger, OrderCancelledEvent, PoolClient, Queryable } from '@ticketing/common';
import { cancelPendingDeliveriesOfEvent, cancelPendingDelivery } from '../data/deliveries.data';
import { markOrderNotDelivered, rememberOrder } from '../data/known-orders.data';
import { lockOpenListingsOfEvent, markListingWithdrawn } from '../data/listings.data';
import { withdrawAvailableTickets, withdrawTicketsOfOrder } from '../data/tickets.data';
import { recordListingChanged } from './listing-events';

/**
 * A cancelled event (design invariant 8), as tickets sees it. Tickets closes the event's market; orders cancels the
 * orders (holds and paid ones, reason event_cancelled) and payments refunds them. The two halves meet in
 * order.cancelled, which may reach tickets before or after event.cancelled: either way every ticket ends withdrawn.
 */

export interface EventClosed {
  listings: number;
  deliveries: number;
}

/**
 * event.cancelled, after the replica applied it: every listing of the event not yet withdrawn is withdrawn (its
 * available tickets too; held and sold ones follow their order's cancellation), one listing.changed each, and its
 * pending deliveries stop. All in the consumer's one transaction: the event is closed at once or not at all (a
 * failure retries the whole message). Listings are locked in id order, each the way the seller's DELETE locks it.
 */
export async function closeCancelledEvent(tx: Queryable, eventId: string, now = new Date()): Promise<EventClosed> {
  const listings = await lockOpenListingsOfEvent(tx, eventId);
  for (const listing of listings) {
    await withdrawAvailableTickets(tx, listing.id);
    await markListingWithdrawn(tx, listing.id);
    await recordListingChanged(tx, listing.id);
  }
  const deliveries = await cancelPendingDeliveriesOfEvent(tx, eventId, now);
  return { listings: listings.length, deliveries };
}

/**
 * order.cancelled with reason event_cancelled (the caller holds the listing's lock): the order is over whether it was
 * a hold or paid (known as cancelled even if it had completed), its held or sold tickets are withdrawn (never for
 * sale again: the event will not happen) and a delivery still pending stops. Returns how many tickets moved.
 */
export async function withdrawOrderOfCancelledEvent(ctx: { tx: PoolClient; logger: Logger }, order: OrderCancelledEvent): Promise<number> {
  await rememberOrder(ctx.tx, { orderId: order.id, listingId: order.listingId, ticketIds: order.ticketIds, state: 'cancelled', version: order.version });
  await markOrderNotDelivered(ctx.tx, order.id);
  await cancelPendingDelivery(ctx.tx, order.id, new Date());
  const withdrawn = await withdrawTicketsOfOrder(ctx.tx, order.listingId, order.id);
  if (withdrawn.length) await recordListingChanged(ctx.tx, order.listingId);
  ctx.logger.info({ listingId: order.listingId, orderId: order.id, tickets: withdrawn.length }, 'event cancelled: the order\'s tickets are withdrawn');
  return withdrawn.length;
}
