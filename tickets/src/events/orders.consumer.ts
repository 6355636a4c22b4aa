import type { ConsumerDeclaration, TxEventContext } from '@ticketing/common';
import { onOrderCancelled } from './order-cancelled.listener';
import { onOrderCompleted } from './order-completed.listener';
import { onOrderCreated } from './order-created.listener';

/**
 * The durable consumer 'tickets' on ORDERS: one handler per order event that moves a ticket's hold. onTicketChange is
 * called when a handler is done (its transaction commits right after), so a cached listing page is dropped.
 */
export function ordersConsumer(deps: { onTicketChange?: () => void } = {}): ConsumerDeclaration {
  const notify =
    <P>(handle: (payload: P, ctx: TxEventContext) => Promise<void>) =>
    async (payload: P, ctx: TxEventContext): Promise<void> => {
      await handle(payload, ctx);
      deps.onTicketChange?.();
    };
  return {
    stream: 'ORDERS',
    // Every handler locks the order's ticket: batches are formed per ticket, so two never lock tickets in opposite orders.
    laneKey: (_subject, order) => (order.ticket as { id: string }).id,
    handlers: {
      'order.created': notify(onOrderCreated),
      'order.cancelled': notify(onOrderCancelled),
      'order.completed': notify(onOrderCompleted),
    },
  };
}
