import { randomUUID } from 'node:crypto';
import {
  buildEventHeaders,
  EventHeaders,
  type Bus,
  type EventSubject,
  type OrderCancelledEvent,
  type OrderCompletedEvent,
  type OrderCreatedEvent,
} from '@ticketing/common';
import type { CollectedEvent } from '@ticketing/common/testing';

/** order.created (v2) as orders publishes it: two adjacent seats of a listing, for a hold ending at expiresAt. */
export function orderCreated(expiresAt: Date, id: string = randomUUID()): OrderCreatedEvent {
  return {
    id,
    version: 0,
    status: 'created',
    userId: randomUUID(),
    listingId: randomUUID(),
    eventId: randomUUID(),
    sellerId: randomUUID(),
    expiresAt: expiresAt.toISOString(),
    tickets: [
      { id: randomUUID(), seat: '11' },
      { id: randomUUID(), seat: '12' },
    ],
    quantity: 2,
    unitPriceCents: 2500,
    buyerFeeCents: 500,
    sellerFeeCents: 250,
    totalCents: 5500,
  };
}

export function orderCancelled(order: OrderCreatedEvent): OrderCancelledEvent {
  return { id: order.id, version: 1, listingId: order.listingId, ticketIds: order.tickets.map((t) => t.id), reason: 'cancelled' };
}

export function orderCompleted(order: OrderCreatedEvent): OrderCompletedEvent {
  return { id: order.id, version: 1, listingId: order.listingId, ticketIds: order.tickets.map((t) => t.id), paymentId: randomUUID() };
}

/**
 * How late an expiration.completed may be published after its expiresAt in these tests. Far above the target (about
 * 0.5 s) so a loaded machine does not fail them; a timer stuck or lost still shows. The latency itself is measured in
 * bench/, not asserted here.
 */
export const LATENESS_BOUND_MS = 10_000;

/** Publishes a body exactly as given, unvalidated: what a process of the previous version put on the stream. */
export async function publishRawEvent(bus: Bus, subject: EventSubject, body: unknown, eventId: string = randomUUID()): Promise<string> {
  await bus.js.publish(bus.subject(subject), JSON.stringify(body), { msgID: eventId, headers: buildEventHeaders({ eventId, subject, occurredAt: new Date() }) });
  return eventId;
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
