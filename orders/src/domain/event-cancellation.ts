import type { Queryable } from '@ticketing/common';
import { cancelLiveOrdersOfEvent } from '../data/orders.data';
import { recordOrderCancelled } from './order-events';

export interface EventCancellationOutcome {
  /** Holds ended (they were `created` or `awaiting:payment`). */
  holds: number;
  /** Paid orders cancelled: payments refunds each in full on its order.cancelled and cancels its payout. */
  paid: number;
}

/**
 * A cancelled event refunds everyone (design invariant 8): its holds end and its paid orders are cancelled, reason
 * event_cancelled, each with its order.cancelled (v2) in the same transaction as the replica's new version. New orders
 * are already refused (eventClosedReason reads the replica this transaction updates), and a payment arriving later
 * finds its order cancelled: order.payment_rejected, refunded by payments.
 */
export async function cancelOrdersOfEvent(tx: Queryable, eventId: string): Promise<EventCancellationOutcome> {
  // The statement returns the rows as they are now (cancelled); what they were is told by payment_id.
  const cancelled = await cancelLiveOrdersOfEvent(tx, eventId);
  for (const order of cancelled) await recordOrderCancelled(tx, order);
  const paid = cancelled.filter((o) => o.paymentId !== null).length;
  return { holds: cancelled.length - paid, paid };
}
