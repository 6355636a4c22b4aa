import { startConsumer, type Bus, type Consumer, type Logger, type Pool, type TxEventContext } from '@ticketing/common';
import { onOrderCancelled } from './order-cancelled.listener';
import { onOrderCompleted } from './order-completed.listener';
import { onOrderCreated } from './order-created.listener';

export const TICKETS_SERVICE = 'tickets';

/**
 * The durable consumer 'tickets' on ORDERS: one handler per order event that moves a ticket's hold. onTicketChange is
 * called when a handler is done (its transaction commits right after), so a cached listing page is dropped.
 */
export function startOrdersConsumer(deps: { bus: Bus; pool: Pool; logger: Logger; backoffMs?: number[]; onTicketChange?: () => void }): Promise<Consumer> {
  const notify =
    <P>(handle: (payload: P, ctx: TxEventContext) => Promise<void>) =>
    async (payload: P, ctx: TxEventContext): Promise<void> => {
      await handle(payload, ctx);
      deps.onTicketChange?.();
    };
  return startConsumer({
    bus: deps.bus,
    pool: deps.pool,
    logger: deps.logger,
    service: TICKETS_SERVICE,
    stream: 'ORDERS',
    backoffMs: deps.backoffMs,
    // Every handler locks the order's ticket: batches are formed per ticket, so two never lock tickets in opposite orders.
    laneKey: (_subject, order) => (order.ticket as { id: string }).id,
    handlers: {
      'order.created': notify(onOrderCreated),
      'order.cancelled': notify(onOrderCancelled),
      'order.completed': notify(onOrderCompleted),
    },
  });
}
