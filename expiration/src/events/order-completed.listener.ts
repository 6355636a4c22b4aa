import type { Logger, OrderCompletedEvent } from '@ticketing/common';
import type { HoldTimers } from '../queue/hold-timers';

/** Paid: the hold must never expire. Dropped and remembered like a cancellation. */
export function orderCompletedListener(timers: HoldTimers, logger: Logger) {
  return async (order: OrderCompletedEvent): Promise<void> => {
    await timers.end(order.id, 'completed');
    logger.debug({ orderId: order.id }, 'hold timer dropped: order completed');
  };
}
