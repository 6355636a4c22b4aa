import { startConsumer, type Bus, type Consumer, type Logger, type Pool } from '@ticketing/common';
import { onOrderCancelled } from './order-cancelled.listener';
import { onOrderCompleted } from './order-completed.listener';
import { onOrderCreated } from './order-created.listener';

export const TICKETS_SERVICE = 'tickets';

/** The durable consumer 'tickets' on ORDERS: one handler per order event that moves a ticket's hold. */
export function startOrdersConsumer(deps: { bus: Bus; pool: Pool; logger: Logger; backoffMs?: number[] }): Promise<Consumer> {
  return startConsumer({
    bus: deps.bus,
    pool: deps.pool,
    logger: deps.logger,
    service: TICKETS_SERVICE,
    stream: 'ORDERS',
    backoffMs: deps.backoffMs,
    handlers: {
      'order.created': onOrderCreated,
      'order.cancelled': onOrderCancelled,
      'order.completed': onOrderCompleted,
    },
  });
}
