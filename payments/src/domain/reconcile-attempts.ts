import type { Logger, Pool } from '@ticketing/common';
import { findStalePendingAttempts, type PaymentAttempt } from '../data/payment-attempts.data';
import { IdempotencyKeyReusedError, InvalidPaymentTokenError, PaymentDeclinedError, type PaymentGateway } from '../gateways/payment-gateway';
import { AlreadyPaidError, chargeRequestFor, recordFailedCharge, recordSucceededCharge } from './record-charge';

export interface ReconcileDeps {
  pool: Pool;
  gateway: PaymentGateway;
  logger: Logger;
}

export type ReconcileOutcome = 'stored' | 'already-stored' | 'declined' | 'unknown';

/**
 * Closes the crash window between "the provider charged" and "we stored the payment": an attempt still pending well
 * after its request should have ended is replayed with the SAME key and parameters. The provider answers with what it
 * did the first time (the same PaymentIntent, or the same decline), so the replay never charges twice; a stored
 * payment then goes through orders like any other (completed, or rejected and refunded).
 *
 * If the first call never reached the provider, the replay makes the charge the buyer submitted; orders then serves
 * it or rejects it (refund), so invariant 6 holds either way.
 */
export async function reconcileAttempt(deps: ReconcileDeps, attempt: PaymentAttempt): Promise<ReconcileOutcome> {
  const log = deps.logger.child({ orderId: attempt.orderId, attemptId: attempt.id });
  let providerId: string;
  try {
    ({ providerId } = await deps.gateway.charge(chargeRequestFor(attempt)));
  } catch (err) {
    await recordFailedCharge(deps.pool, attempt, err);
    if (err instanceof PaymentDeclinedError || err instanceof InvalidPaymentTokenError) {
      log.info({ reason: err.message }, 'stale payment attempt was not charged; closed');
      return 'declined';
    }
    if (err instanceof IdempotencyKeyReusedError) log.info('stale payment attempt is being processed elsewhere; will look again');
    else log.warn({ err }, 'stale payment attempt: provider unreachable; will retry');
    return 'unknown';
  }
  try {
    await recordSucceededCharge(deps.pool, attempt, providerId, deps.logger);
    log.warn({ providerId }, 'stored a charge whose request never stored it (crash or lost answer); payment.created published');
    return 'stored';
  } catch (err) {
    if (err instanceof AlreadyPaidError) return 'already-stored';
    throw err;
  }
}

/** One pass over attempts pending for longer than `staleAfterMs` (longer than any request can take to finish). */
export async function reconcileStaleAttempts(deps: ReconcileDeps, staleAfterMs: number): Promise<Record<ReconcileOutcome, number>> {
  const counts: Record<ReconcileOutcome, number> = { stored: 0, 'already-stored': 0, declined: 0, unknown: 0 };
  for (const attempt of await findStalePendingAttempts(deps.pool, staleAfterMs)) {
    counts[await reconcileAttempt(deps, attempt)]++;
  }
  return counts;
}
