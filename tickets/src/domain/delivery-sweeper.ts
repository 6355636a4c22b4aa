import { startPeriodicTask, type Logger, type PeriodicTask, type Pool } from '@ticketing/common';
import { sweepMissedDeliveries } from './deliveries.domain';

export interface DeliverySweeperOptions {
  pool: Pool;
  logger: Logger;
  intervalMs: number;
  /** Deliveries per transaction (default 100). */
  batchSize?: number;
}

/** runOnce resolves with how many deliveries the pass marked missed. */
export type DeliverySweeper = PeriodicTask<number>;

/**
 * Marks deliveries past their deadline missed (delivery.missed: orders cancels and payments refunds). Deadlines are
 * rows, not timers, so any replica may run this and a crash loses nothing: the next pass, here or elsewhere, finds them.
 */
export function startDeliverySweeper(opts: DeliverySweeperOptions): DeliverySweeper {
  const batchSize = opts.batchSize ?? 100;
  return startPeriodicTask({
    name: 'delivery-sweeper',
    intervalMs: opts.intervalMs,
    logger: opts.logger,
    onFailure: 0,
    run: async ({ logger, stopping }) => {
      let total = 0;
      for (;;) {
        const n = await sweepMissedDeliveries(opts.pool, batchSize);
        total += n;
        if (n < batchSize || stopping()) break;
      }
      if (total) logger.warn({ missed: total }, 'deliveries missed their deadline; orders will refund them');
      return total;
    },
  });
}
