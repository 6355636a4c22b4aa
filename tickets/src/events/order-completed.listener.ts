import type { OrderCompletedEvent, TxEventContext } from '@ticketing/common';
import { applyOrderCompleted } from '../domain/order-holds.domain';

/** order.completed → the ticket is sold to that order; from now on nobody can hold or edit it. */
export async function onOrderCompleted(order: OrderCompletedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyOrderCompleted(ctx, order);
  ctx.logger.debug({ ticketId: order.ticket.id, orderId: order.id, outcome }, 'order.completed applied');
}
