import type { OrderCompletedEvent, TxEventContext } from '@ticketing/common';
import { applyOrderCompleted } from '../domain/paid-orders';

/** order.completed → the replica, and the seller's payout for the order. */
export async function onOrderCompleted(payload: OrderCompletedEvent, ctx: TxEventContext): Promise<void> {
  await applyOrderCompleted(ctx.tx, payload, ctx.logger, ctx.deliveryCount);
}
