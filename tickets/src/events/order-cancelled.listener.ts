import type { OrderCancelledEvent, TxEventContext } from '@ticketing/common';
import { applyOrderCancelled } from '../domain/order-holds.domain';

/** order.cancelled → free the tickets this very order holds. */
export async function onOrderCancelled(order: OrderCancelledEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyOrderCancelled(ctx, order);
  ctx.logger.debug({ listingId: order.listingId, orderId: order.id, reason: order.reason, outcome }, 'order.cancelled applied');
}
