import { randomUUID } from 'node:crypto';
import {
  EventHeaders,
  type OrderCancelledEvent,
  type OrderCompletedEvent,
  type OrderCreatedEvent,
} from '@ticketing/common';
import { orderCancelledPayload, orderCompletedPayload, orderCreatedPayload, type CollectedEvent } from '@ticketing/common/testing';

export { publishRawEvent } from '@ticketing/common/testing';

/** order.created (v2) as orders publishes it: two adjacent seats of a listing, for a hold ending at expiresAt. */
export function orderCreated(expiresAt: Date, id: string = randomUUID()): OrderCreatedEvent {
  return orderCreatedPayload({ id, expiresAt: expiresAt.toISOString(), unitPriceCents: 2500 });
}

export const orderCancelled = (order: OrderCreatedEvent): OrderCancelledEvent => orderCancelledPayload(order);

export const orderCompleted = (order: OrderCreatedEvent): OrderCompletedEvent => orderCompletedPayload(order);

/**
 * How late an expiration.completed may be published after its expiresAt in these tests. Far above the target (about
 * 0.5 s) so a loaded machine does not fail them; a timer stuck or lost still shows. The latency itself is measured in
 * bench/, not asserted here.
 */
export const LATENESS_BOUND_MS = 10_000;

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
