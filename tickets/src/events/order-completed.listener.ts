import type { OrderCompletedEvent, TxEventContext } from '@ticketing/common';
import { applyOrderCompleted } from '../domain/order-holds.domain';

/** order.completed → the order's tickets are sold to it; from now on nobody can hold them. */
export async function onOrderCompleted(order: OrderCompletedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyOrderCompleted(ctx, order);
  ctx.logger.debug({ listingId: order.listingId, orderId: order.id, outcome }, 'order.completed applied');
}
