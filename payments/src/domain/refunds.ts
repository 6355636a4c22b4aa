import { randomUUID } from 'node:crypto';
import { RetryLaterError, withTransaction, type Logger, type OrderPaymentRejectedEvent, type Pool, type Queryable } from '@ticketing/common';
import { postRefundOwedOnce, postRefundPaid } from '../data/ledger.data';
import { findPayment, markPaymentRefunded, type Payment } from '../data/payments.data';
import { cancelPayout } from '../data/payouts.data';
import { completeRefund, findDueRefunds, insertRefundOnce, recordRefundFailure, type Refund } from '../data/refunds.data';
import type { PaymentGateway } from '../gateways/payment-gateway';
import { recordPaymentRefunded } from './payment-events';

export interface RefundDeps {
  pool: Pool;
  gateway: PaymentGateway;
  logger: Logger;
  /** Redelivery delay of order.payment_rejected after the provider failed (default 5 s). */
  messageRetryDelayMs?: number;
  /** How long the periodic retrier leaves a new refund to the message's own redeliveries (default 60 s). */
  retrierGraceMs?: number;
}

export type RefundOutcome = 'refunded' | 'already-refunded' | 'ignored';

/** Retrier back-off after n failed tries: 5 s, 10 s, 20 s ... capped at 10 minutes. Never gives up. */
export function refundRetryDelayMs(failedTries: number): number {
  return Math.min(5000 * 2 ** Math.max(0, failedTries - 1), 10 * 60_000);
}

/**
 * Records the refund owed for the payment (its whole amount: the order's total, fees included), once, committed on
 * its own before the provider is called: the debt survives anything that fails after. The order's payout is
 * cancelled in the same transaction, so a refunded order never has a payout due (invariant 7).
 */
export function recordRefundOwed(deps: Pick<RefundDeps, 'pool' | 'retrierGraceMs'>, payment: Payment): Promise<Refund> {
  return withTransaction(deps.pool, async (tx) => {
    const refund = await insertRefundOnce(tx, {
      id: randomUUID(),
      paymentId: payment.id,
      orderId: payment.orderId,
      amountCents: payment.amountCents,
      idempotencyKey: payment.id,
      firstRetryAt: new Date(Date.now() + (deps.retrierGraceMs ?? 60_000)),
    });
    // The sale reversed in the ledger (fees and the seller's payable back, the total owed to the buyer) with the
    // payout's cancellation: the payable and the payout row agree at every commit.
    await postRefundOwedOnce(tx, refund.id);
    await cancelPayout(tx, payment.orderId);
    return refund;
  });
}

/** Asks the provider for the refund; the idempotency key (payment id) makes every retry ask for the same refund. */
export async function requestProviderRefund(deps: Pick<RefundDeps, 'gateway'>, refund: Refund, payment: Payment): Promise<string> {
  const { refundId } = await deps.gateway.refund({ providerId: payment.providerId, amountCents: refund.amountCents, idempotencyKey: refund.idempotencyKey });
  return refundId;
}

/**
 * In the caller's transaction: the refund done, its cash-out in the ledger, the payment refunded, payment.refunded in the outbox (the event exists
 * iff the mark committed). Conditional, so the listener and the retrier racing each other publish one event.
 */
export async function markRefunded(db: Queryable, refund: Refund, payment: Payment, providerRefundId: string): Promise<boolean> {
  if (!(await completeRefund(db, refund.id, providerRefundId))) return false;
  await postRefundPaid(db, refund.id);
  await markPaymentRefunded(db, payment.id);
  await recordPaymentRefunded(db, payment, providerRefundId);
  return true;
}

/**
 * order.payment_rejected: orders cancelled the order before our payment reached it, so the buyer gets the money back.
 * The refund owed is committed first, on its own, before the provider is called: if the provider stays down longer
 * than the message's max_deliver, the periodic retrier still finishes it. A failure here throws, so the message is
 * nak'ed and redelivered (never acked while the refund is outstanding).
 */
export async function refundRejectedPayment(
  deps: RefundDeps,
  tx: Queryable,
  event: OrderPaymentRejectedEvent,
  ctx: { logger: Logger },
): Promise<RefundOutcome> {
  const payment = await findPayment(tx, event.paymentId);
  if (!payment || payment.orderId !== event.orderId) {
    ctx.logger.error({ orderId: event.orderId, paymentId: event.paymentId }, 'order.payment_rejected names no payment of ours for that order; ignored');
    return 'ignored';
  }
  if (payment.status === 'refunded') return 'already-refunded';
  const refund = await recordRefundOwed(deps, payment);
  if (refund.status === 'succeeded') return 'already-refunded';
  let providerRefundId: string;
  try {
    providerRefundId = await requestProviderRefund(deps, refund, payment);
  } catch (err) {
    // Recorded on the pool (this transaction will roll back) so the retrier's back-off and last_error stay true.
    await recordRefundFailure(deps.pool, refund.id, errorText(err), refundRetryDelayMs(refund.attempts + 1)).catch(() => undefined);
    ctx.logger.warn({ err, paymentId: payment.id, orderId: payment.orderId }, 'refund failed; the event will be redelivered (and the retrier holds the refund)');
    throw new RetryLaterError(`refund of payment ${payment.id} failed: ${errorText(err)}`, deps.messageRetryDelayMs ?? 5000);
  }
  return (await markRefunded(tx, refund, payment, providerRefundId)) ? 'refunded' : 'already-refunded';
}

/** One pass of the periodic retrier over refunds still pending and due: each in its own transaction. */
export async function retryDueRefunds(deps: RefundDeps): Promise<{ refunded: number; failed: number }> {
  let refunded = 0;
  let failed = 0;
  for (const refund of await findDueRefunds(deps.pool)) {
    const payment = await findPayment(deps.pool, refund.paymentId);
    if (!payment) continue; // impossible: refunds.payment_id references payments
    try {
      const providerRefundId = await requestProviderRefund(deps, refund, payment);
      if (await withTransaction(deps.pool, (tx) => markRefunded(tx, refund, payment, providerRefundId))) {
        refunded++;
        deps.logger.info({ paymentId: payment.id, orderId: payment.orderId, tries: refund.attempts + 1 }, 'pending refund completed by the retrier');
      }
    } catch (err) {
      failed++;
      const retryInMs = refundRetryDelayMs(refund.attempts + 1);
      await recordRefundFailure(deps.pool, refund.id, errorText(err), retryInMs);
      deps.logger.warn({ err, paymentId: payment.id, retryInMs, tries: refund.attempts + 1 }, 'pending refund failed again; will retry');
    }
  }
  return { refunded, failed };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
