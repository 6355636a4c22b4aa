import type { OrderCancelledEvent, OrderCompletedEvent, OrderCreatedEvent } from '@ticketing/common';
import { orderCancelledPayload, orderCompletedPayload, orderCreatedPayload } from '@ticketing/common/testing';
import type { ListingBody } from './support';

/**
 * An order.created (v2) as orders publishes it for k tickets of a listing; expiresAt orders the orders of one ticket
 * (a newer order expires later).
 */
export function orderCreated(
  listing: Pick<ListingBody, 'id' | 'eventId' | 'sellerId' | 'price'>,
  tickets: Array<{ id: string; seat: string | null }>,
  opts: { orderId?: string; expiresInSeconds?: number; buyerId?: string } = {},
): OrderCreatedEvent {
  return orderCreatedPayload({
    ...(opts.orderId && { id: opts.orderId }),
    ...(opts.buyerId && { userId: opts.buyerId }),
    listingId: listing.id,
    eventId: listing.eventId,
    sellerId: listing.sellerId,
    expiresAt: new Date(Date.now() + (opts.expiresInSeconds ?? 900) * 1000).toISOString(),
    tickets: tickets.map((t) => ({ id: t.id, seat: t.seat })),
    unitPriceCents: Math.round(listing.price * 100),
  });
}

export const orderCancelled = (order: OrderCreatedEvent, reason: OrderCancelledEvent['reason'] = 'cancelled'): OrderCancelledEvent =>
  orderCancelledPayload(order, reason);

export const orderCompleted = (order: OrderCreatedEvent): OrderCompletedEvent => orderCompletedPayload(order);
