import type { Logger, OrderCancelledEvent, OrderCompletedEvent, Queryable } from '@ticketing/common';

import { findOrder } from '../data/orders.data';
import { findPaymentByOrder } from '../data/payments.data';
import { insertPayoutOnce } from '../data/payouts.data';
import { recordRefundFailure } from '../data/refunds.data';
import { applyOrderStatusChange, type ReplicaOutcome } from './orders-replica';
import { errorText, markRefunded, recordRefundOwed, refundRetryDelayMs, requestProviderRefund, type RefundDeps } from './refunds';

// What a paid order means for payments: a payout for its seller when it completes, a full refund when it is cancelled.

export type CancellationOutcome = ReplicaOutcome | 'refunded' | 'refund-pending' | 'already-refunded';

/**
 * order.completed: the replica moves to complete, and the seller is owed the order's share from then on (a payouts
 * row, in the same transaction; issue 18 transfers it after the event).
 */
export async function applyOrderCompleted(tx: Queryable, e: OrderCompletedEvent, logger: Logger, deliveryCount = 1): Promise<ReplicaOutcome> {
  const outcome = await applyOrderStatusChange(tx, { id: e.id, version: e.version, status: 'complete' }, logger, deliveryCount);
  if (outcome === 'applied') await insertPayoutOnce(tx, e.id);
  return outcome;
}

/**
 * order.cancelled: the replica moves to cancelled. When the order was paid and complete (not delivered, later its
 * event cancelled: any reason), the buyer gets back everything they paid, fees included, exactly once (invariant 6):
 * the refund is recorded with its payout cancelled, then asked of the provider. A provider failure does not hold the
 * message back: the cancellation is applied, the refund stays pending and the payments sweeper retries it until it
 * succeeds. A redelivered cancellation finds the replica already cancelled and refunds nothing more.
 */
export async function applyOrderCancelled(
  deps: RefundDeps,
  tx: Queryable,
  e: OrderCancelledEvent,
  ctx: { logger: Logger; deliveryCount?: number },
): Promise<CancellationOutcome> {
  // Locked, so the status seen is the one the cancellation is applied on top of.
  const before = await findOrder(tx, e.id, { lock: true });
  const outcome = await applyOrderStatusChange(tx, { id: e.id, version: e.version, status: 'cancelled' }, ctx.logger, ctx.deliveryCount);
  if (outcome !== 'applied' || before?.status !== 'complete') return outcome;

  const payment = await findPaymentByOrder(tx, e.id);
  if (!payment || payment.status !== 'succeeded') {
    if (!payment) ctx.logger.error({ orderId: e.id, reason: e.reason }, 'a complete order was cancelled but payments holds no payment for it');
    return payment ? 'already-refunded' : outcome;
  }
  const refund = await recordRefundOwed(deps, payment);
  if (refund.status === 'succeeded') return 'already-refunded';
  const log = { orderId: e.id, paymentId: payment.id, reason: e.reason, amountCents: refund.amountCents };
  try {
    const providerRefundId = await requestProviderRefund(deps, refund, payment);
    return (await markRefunded(tx, refund, payment, providerRefundId)) ? 'refunded' : 'already-refunded';
  } catch (err) {
    const retryInMs = refundRetryDelayMs(refund.attempts + 1);
    await recordRefundFailure(deps.pool, refund.id, errorText(err), retryInMs);
    ctx.logger.warn({ ...log, err, retryInMs }, 'refund of a cancelled order failed; the sweeper retries it');
    return 'refund-pending';
  }
}
