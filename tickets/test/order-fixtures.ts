import { randomUUID } from 'node:crypto';
import type { OrderCancelledEvent, OrderCompletedEvent, OrderCreatedEvent } from '@ticketing/common';
import type { ListingBody } from './support';

/**
 * An order.created (v2) as orders publishes it for k tickets of a listing; expiresAt orders the orders of one ticket
 * (a newer order expires later).
 */
export function orderCreated(
  listing: Pick<ListingBody, 'id' | 'eventId' | 'sellerId' | 'price'>,
  tickets: Array<{ id: string; seat: string | null }>,
  opts: { orderId?: string; expiresInSeconds?: number } = {},
): OrderCreatedEvent {
  const unitPriceCents = Math.round(listing.price * 100);
  const quantity = tickets.length;
  const buyerFeeCents = Math.floor((unitPriceCents * quantity) / 10);
  return {
    id: opts.orderId ?? randomUUID(),
    version: 0,
    status: 'created',
    userId: randomUUID(),
    listingId: listing.id,
    eventId: listing.eventId,
    sellerId: listing.sellerId,
    expiresAt: new Date(Date.now() + (opts.expiresInSeconds ?? 900) * 1000).toISOString(),
    tickets: tickets.map((t) => ({ id: t.id, seat: t.seat })),
    quantity,
    unitPriceCents,
    buyerFeeCents,
    sellerFeeCents: Math.floor((unitPriceCents * quantity) / 20),
    totalCents: unitPriceCents * quantity + buyerFeeCents,
  };
}

export const orderCancelled = (order: OrderCreatedEvent, reason: OrderCancelledEvent['reason'] = 'cancelled'): OrderCancelledEvent => ({
  id: order.id,
  version: 1,
  listingId: order.listingId,
  ticketIds: order.tickets.map((t) => t.id),
  reason,
});

export const orderCompleted = (order: OrderCreatedEvent): OrderCompletedEvent => ({
  id: order.id,
  version: 1,
  listingId: order.listingId,
  ticketIds: order.tickets.map((t) => t.id),
  paymentId: randomUUID(),
});
