import type { OrderCompletedEvent, TxEventContext } from '@ticketing/common';
import type { DeliveryRules } from '../domain/deliveries.domain';
import { applyOrderCompleted } from '../domain/order-holds.domain';

/** order.completed → the order's tickets are sold to it, and their delivery starts (at once, or with a deadline). */
export function orderCompletedListener(rules: DeliveryRules) {
  return async (order: OrderCompletedEvent, ctx: TxEventContext): Promise<void> => {
    const outcome = await applyOrderCompleted(ctx, order, rules);
    ctx.logger.debug({ listingId: order.listingId, orderId: order.id, outcome }, 'order.completed applied');
  };
}
