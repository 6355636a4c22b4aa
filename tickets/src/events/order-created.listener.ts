import type { OrderCreatedEvent, TxEventContext } from '@ticketing/common';
import { applyOrderCreated } from '../domain/order-holds.domain';

/** order.created → hold the order's tickets for it (unless the order is already over or superseded, per ticket). */
export async function onOrderCreated(order: OrderCreatedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyOrderCreated(ctx, order);
  ctx.logger.debug({ listingId: order.listingId, orderId: order.id, quantity: order.quantity, outcome }, 'order.created applied');
}
