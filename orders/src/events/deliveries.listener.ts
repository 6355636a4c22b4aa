import type { DeliveryCompletedEvent, DeliveryMissedEvent, DeliveryScheduledEvent, TxEventContext } from '@ticketing/common';
import { applyDeliveryCompleted, applyDeliveryMissed, applyDeliveryScheduled, type DeliveryOutcome } from '../domain/deliveries';

function logOutcome(ctx: TxEventContext, subject: string, orderId: string, outcome: DeliveryOutcome): void {
  // Orders created every order tickets delivers: an unknown one is a defect elsewhere, not something to wait for.
  if (outcome === 'unknown-order') ctx.logger.error({ orderId, subject }, 'delivery event for an order orders does not know; ignored');
  else ctx.logger.info({ orderId, subject, outcome }, `${subject} handled`);
}

/** delivery.scheduled → the order's delivery deadline (a `later` listing's order waiting for its items). */
export async function onDeliveryScheduled(payload: DeliveryScheduledEvent, ctx: TxEventContext): Promise<void> {
  logOutcome(ctx, 'delivery.scheduled', payload.orderId, await applyDeliveryScheduled(ctx.tx, payload));
}

/** delivery.completed → the buyer has the tickets: the order's delivery is delivered. */
export async function onDeliveryCompleted(payload: DeliveryCompletedEvent, ctx: TxEventContext): Promise<void> {
  logOutcome(ctx, 'delivery.completed', payload.orderId, await applyDeliveryCompleted(ctx.tx, payload));
}

/** delivery.missed → the order is cancelled (not_delivered) and refunded by payments; its tickets never sell again. */
export async function onDeliveryMissed(payload: DeliveryMissedEvent, ctx: TxEventContext): Promise<void> {
  const { outcome, order } = await applyDeliveryMissed(ctx.tx, payload);
  if (order) ctx.logger.warn({ orderId: order.id, listingId: order.listingId, deadline: payload.deadline }, 'delivery missed: order cancelled (not_delivered), tickets retired');
  else logOutcome(ctx, 'delivery.missed', payload.orderId, outcome);
}
