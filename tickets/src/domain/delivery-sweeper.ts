import type { Logger, Pool } from '@ticketing/common';
import { sweepMissedDeliveries } from './deliveries.domain';

export interface DeliverySweeperOptions {
  pool: Pool;
  logger: Logger;
  intervalMs: number;
  /** Deliveries per transaction (default 100). */
  batchSize?: number;
}

export interface DeliverySweeper {
  /** One full pass now (tests, and the timer); returns how many deliveries it marked missed. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Marks deliveries past their deadline missed (delivery.missed: orders cancels and payments refunds). Deadlines are
 * rows, not timers, so any replica may run this and a crash loses nothing: the next pass, here or elsewhere, finds them.
 */
export function startDeliverySweeper(opts: DeliverySweeperOptions): DeliverySweeper {
  const logger = opts.logger.child({ component: 'delivery-sweeper' });
  const batchSize = opts.batchSize ?? 100;
  let running: Promise<number> | undefined;
  let stopped = false;

  const pass = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const n = await sweepMissedDeliveries(opts.pool, batchSize);
      total += n;
      if (n < batchSize || stopped) break;
    }
    if (total) logger.warn({ missed: total }, 'deliveries missed their deadline; orders will refund them');
    return total;
  };

  const runOnce = (): Promise<number> => {
    running ??= pass()
      .catch((err: unknown) => {
        logger.warn({ err }, 'delivery sweep failed; will try again');
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  };

  const timer = setInterval(() => {
    if (!stopped) void runOnce();
  }, opts.intervalMs);
  timer.unref();

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
