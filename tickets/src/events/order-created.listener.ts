import type { OrderCreatedEvent, TxEventContext } from '@ticketing/common';
import { applyOrderCreated } from '../domain/order-holds.domain';

/** order.created → hold the ticket for that order (unless the order is already over or superseded). */
export async function onOrderCreated(order: OrderCreatedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyOrderCreated(ctx, order);
  ctx.logger.debug({ ticketId: order.ticket.id, orderId: order.id, outcome }, 'order.created applied');
}
