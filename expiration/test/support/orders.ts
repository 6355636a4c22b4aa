import { randomUUID } from 'node:crypto';
import { EventHeaders, type OrderCancelledEvent, type OrderCompletedEvent, type OrderCreatedEvent } from '@ticketing/common';
import type { CollectedEvent } from '@ticketing/common/testing';

/** order.created as orders publishes it, for a hold ending at expiresAt. */
export function orderCreated(expiresAt: Date, id: string = randomUUID()): OrderCreatedEvent {
  return { id, version: 0, status: 'created', userId: randomUUID(), expiresAt: expiresAt.toISOString(), ticket: { id: randomUUID(), priceCents: 2500 } };
}

export function orderCancelled(order: OrderCreatedEvent): OrderCancelledEvent {
  return { id: order.id, version: 1, ticket: { id: order.ticket.id }, reason: 'cancelled' };
}

export function orderCompleted(order: OrderCreatedEvent): OrderCompletedEvent {
  return { id: order.id, version: 1, ticket: { id: order.ticket.id }, paymentId: randomUUID() };
}

/** How many expiration.completed messages the stream holds per order id. */
export function countByOrder(events: CollectedEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (e.subject !== 'expiration.completed') continue;
    const orderId = (e.payload as { orderId: string }).orderId;
    counts.set(orderId, (counts.get(orderId) ?? 0) + 1);
  }
  return counts;
}

/** When the service published the event (the worker's clock at publish time), in epoch ms. */
export function publishedAt(e: CollectedEvent): number {
  return Date.parse(e.headers[EventHeaders.OccurredAt] ?? '');
}
