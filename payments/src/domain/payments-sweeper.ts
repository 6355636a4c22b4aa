import type { Logger, Pool } from '@ticketing/common';
import type { PaymentGateway } from '../gateways/payment-gateway';
import { reconcileStaleAttempts } from './reconcile-attempts';
import { retryDueRefunds } from './refunds';

export interface SweeperOptions {
  pool: Pool;
  gateway: PaymentGateway;
  logger: Logger;
  /** Pause between passes (default 15 s). */
  intervalMs?: number;
  /** A pending attempt older than this lost its request (default 2 min: above the gateway's timeout with retries). */
  staleAttemptMs?: number;
}

export interface Sweeper {
  /** One pass now (tests, and the loop itself). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The safety net behind invariant 6, on every replica (all its work is idempotent: same keys, conditional marks):
 * stores charges whose request died before storing them, and finishes refunds the event consumer could not.
 */
export function startPaymentsSweeper(opts: SweeperOptions): Sweeper {
  const logger = opts.logger.child({ component: 'payments-sweeper' });
  const intervalMs = opts.intervalMs ?? 15_000;
  const staleAttemptMs = opts.staleAttemptMs ?? 120_000;
  const deps = { pool: opts.pool, gateway: opts.gateway, logger };
  let running: Promise<void> | undefined;
  let stopped = false;

  const runOnce = (): Promise<void> => {
    running ??= (async () => {
      try {
        const attempts = await reconcileStaleAttempts(deps, staleAttemptMs);
        if (attempts.stored || attempts.declined || attempts.unknown) logger.info(attempts, 'stale payment attempts reconciled');
        await retryDueRefunds(deps);
      } catch (err) {
        logger.warn({ err }, 'sweep failed; will try again');
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const timer = setInterval(() => {
    if (!stopped) void runOnce();
  }, intervalMs);
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
