import type { DeliveryCompletedEvent, DeliveryMissedEvent, DeliveryScheduledEvent, Queryable } from '@ticketing/common';
import { cancelUndeliveredOrder, markDelivered, setDeliveryDeadline, type OrderRow } from '../data/orders.data';
import { recordOrderCancelled } from './order-events';

/**
 * The delivery of a paid order's tickets, as tickets reports it (docs/services/orders.md "Delivery"). Each handler is
 * one statement whose guard makes it idempotent, and they commute: delivery.completed before delivery.scheduled still
 * ends delivered (scheduled only records the deadline); delivery.missed cancels only an order still pending delivery.
 * Tickets publishes exactly one of completed / missed per order.
 */

export type DeliveryOutcome = 'applied' | 'unchanged' | 'unknown-order';

export async function applyDeliveryScheduled(tx: Queryable, e: DeliveryScheduledEvent): Promise<DeliveryOutcome> {
  return (await setDeliveryDeadline(tx, e.orderId, new Date(e.deadline))) ? 'applied' : 'unknown-order';
}

export async function applyDeliveryCompleted(tx: Queryable, e: DeliveryCompletedEvent): Promise<DeliveryOutcome> {
  const result = await markDelivered(tx, e.orderId, new Date(e.deliveredAt));
  if (!result) return 'unknown-order';
  return result.applied ? 'applied' : 'unchanged';
}

/**
 * The seller missed the deadline: a complete order still waiting for its tickets is cancelled (reason not_delivered)
 * with order.cancelled, which tells tickets to withdraw the tickets and payments to refund the whole total. Its tickets
 * are retired from the listing replica in the same statement, so no one can order them again.
 */
export async function applyDeliveryMissed(tx: Queryable, e: DeliveryMissedEvent): Promise<{ outcome: DeliveryOutcome; order?: OrderRow }> {
  const cancelled = await cancelUndeliveredOrder(tx, e.orderId);
  if (!cancelled) return { outcome: 'unchanged' };
  await recordOrderCancelled(tx, cancelled);
  return { outcome: 'applied', order: cancelled };
}
