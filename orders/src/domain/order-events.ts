import { writeOutbox, type Queryable } from '@ticketing/common';
import type { OrderRow } from '../data/orders.data';

/**
 * The events orders publishes (contracts v2 in common), written to the outbox in the caller's transaction: an order
 * transition and its event commit together or not at all (docs/design.md invariant 5). The relay publishes them.
 */

export function recordOrderCreated(tx: Queryable, order: OrderRow): Promise<string> {
  return writeOutbox(tx, 'order.created', {
    id: order.id,
    version: order.version,
    status: order.status,
    userId: order.userId,
    listingId: order.listingId,
    eventId: order.eventId,
    sellerId: order.sellerId,
    expiresAt: order.expiresAt.toISOString(),
    tickets: order.tickets,
    quantity: order.quantity,
    unitPriceCents: order.unitPriceCents,
    buyerFeeCents: order.buyerFeeCents,
    sellerFeeCents: order.sellerFeeCents,
    totalCents: order.totalCents,
  });
}

export function recordOrderCancelled(tx: Queryable, order: OrderRow): Promise<string> {
  if (!order.cancelReason) throw new Error(`order ${order.id} is ${order.status}, not cancelled`);
  return writeOutbox(tx, 'order.cancelled', {
    id: order.id,
    version: order.version,
    listingId: order.listingId,
    ticketIds: order.tickets.map((t) => t.id),
    reason: order.cancelReason,
  });
}

export function recordOrderCompleted(tx: Queryable, order: OrderRow): Promise<string> {
  if (!order.paymentId) throw new Error(`order ${order.id} has no payment`);
  return writeOutbox(tx, 'order.completed', {
    id: order.id,
    version: order.version,
    listingId: order.listingId,
    ticketIds: order.tickets.map((t) => t.id),
    paymentId: order.paymentId,
  });
}

/** A payment that arrived for an order no longer payable: payments refunds it on this event. */
export function recordPaymentRejected(tx: Queryable, orderId: string, paymentId: string): Promise<string> {
  return writeOutbox(tx, 'order.payment_rejected', { orderId, paymentId });
}
