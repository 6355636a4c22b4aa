import type { OrderCancelledEvent, TxEventContext } from '@ticketing/common';
import { applyOrderCancelled } from '../domain/order-holds.domain';

/** order.cancelled → free the ticket, only if this very order holds it. */
export async function onOrderCancelled(order: OrderCancelledEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyOrderCancelled(ctx, order);
  ctx.logger.debug({ ticketId: order.ticket.id, orderId: order.id, reason: order.reason, outcome }, 'order.cancelled applied');
}
