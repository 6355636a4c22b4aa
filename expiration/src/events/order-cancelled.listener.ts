import type { Logger, OrderCancelledEvent } from '@ticketing/common';
import type { HoldTimers } from '../queue/hold-timers';

/** The hold ended before its time: drop the timer, and remember the order in case its order.created comes late. */
export function orderCancelledListener(timers: HoldTimers, logger: Logger) {
  return async (order: OrderCancelledEvent): Promise<void> => {
    await timers.end(order.id, 'cancelled');
    logger.debug({ orderId: order.id, reason: order.reason }, 'hold timer dropped: order cancelled');
  };
}
