import type { Logger, OrderCreatedEvent } from '@ticketing/common';
import type { HoldTimers } from '../queue/hold-timers';

/** A new hold: a timer at its expiresAt. Redelivery is harmless: the job id is the order id. */
export function orderCreatedListener(timers: HoldTimers, logger: Logger) {
  return async (order: OrderCreatedEvent): Promise<void> => {
    const outcome = await timers.schedule({ orderId: order.id, expiresAt: new Date(order.expiresAt) });
    logger.debug({ orderId: order.id, expiresAt: order.expiresAt, outcome }, 'hold timer scheduled');
  };
}
