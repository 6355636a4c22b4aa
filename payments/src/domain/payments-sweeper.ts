import { startPeriodicTask, type Logger, type PeriodicTask, type Pool } from '@ticketing/common';
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

export type Sweeper = PeriodicTask<void>;

/**
 * The safety net behind invariant 6, on every replica (all its work is idempotent: same keys, conditional marks):
 * stores charges whose request died before storing them, and finishes refunds the event consumer could not.
 */
export function startPaymentsSweeper(opts: SweeperOptions): Sweeper {
  const staleAttemptMs = opts.staleAttemptMs ?? 120_000;
  return startPeriodicTask({
    name: 'payments-sweeper',
    intervalMs: opts.intervalMs ?? 15_000,
    logger: opts.logger,
    onFailure: undefined,
    run: async ({ logger }) => {
      const deps = { pool: opts.pool, gateway: opts.gateway, logger };
      const attempts = await reconcileStaleAttempts(deps, staleAttemptMs);
      if (attempts.stored || attempts.declined || attempts.unknown) logger.info(attempts, 'stale payment attempts reconciled');
      await retryDueRefunds(deps);
    },
  });
}
