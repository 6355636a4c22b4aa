import { randomUUID } from 'node:crypto';
import { ConflictError, PG_UNIQUE_VIOLATION, isPgError, withTransaction, type Logger, type Pool } from '@ticketing/common';
import { finishAttempt, type PaymentAttempt } from '../data/payment-attempts.data';
import { postCharge } from '../data/ledger.data';
import { findPaymentByOrder, insertPayment, type Payment } from '../data/payments.data';
import { InvalidPaymentTokenError, PaymentDeclinedError, type ChargeRequest } from '../gateways/payment-gateway';
import { recordPaymentCreated } from './payment-events';

/**
 * The provider's request for an attempt, built from the attempt alone: a replay (client retry, reconciler) must send
 * byte-for-byte the same parameters, or the provider refuses the reused idempotency key.
 */
export function chargeRequestFor(attempt: PaymentAttempt): ChargeRequest {
  return {
    amountCents: attempt.amountCents,
    currency: attempt.currency,
    token: attempt.token,
    idempotencyKey: attempt.idempotencyKey,
    metadata: { orderId: attempt.orderId, attemptId: attempt.id },
  };
}

export class AlreadyPaidError extends ConflictError {
  constructor() {
    super('This order has already been paid');
  }
}

/**
 * After the provider charged an attempt: in ONE transaction, end the attempt, store the payment, post it to the
 * ledger and put payment.created in the outbox. Orders then completes the order, or (if it was cancelled meanwhile) answers
 * order.payment_rejected and we refund: either way the charge is served or refunded (invariant 6).
 *
 * Whoever ends the attempt first stores the payment; anyone else holding the same attempt (a concurrent request with
 * the same key, the reconciler) got the same charge from the provider and gets AlreadyPaidError: never a second row.
 */
export async function recordSucceededCharge(pool: Pool, attempt: PaymentAttempt, providerId: string, logger: Logger): Promise<Payment> {
  try {
    return await withTransaction(pool, async (tx) => {
      if (!(await finishAttempt(tx, attempt.id, { status: 'succeeded', providerId }))) {
        const existing = await findPaymentByOrder(tx, attempt.orderId);
        if (existing && existing.providerId !== providerId) {
          // Cannot happen while one pending attempt per order is enforced; if it ever does, a human must refund.
          logger.error({ orderId: attempt.orderId, providerId, storedProviderId: existing.providerId }, 'second charge for an order already paid; refund it');
        }
        throw new AlreadyPaidError();
      }
      const payment = await insertPayment(tx, {
        id: randomUUID(),
        orderId: attempt.orderId,
        attemptId: attempt.id,
        amountCents: attempt.amountCents,
        currency: attempt.currency,
        providerId,
      });
      // The money received, in the ledger, in the same transaction: no stored payment without its posting.
      await postCharge(tx, payment.id);
      await recordPaymentCreated(tx, payment);
      return payment;
    });
  } catch (err) {
    // The backstop: the unique key on payments.order_id, should the attempt guard ever be bypassed.
    if (isPgError(err, PG_UNIQUE_VIOLATION, 'payments_order_id_key')) throw new AlreadyPaidError();
    throw err;
  }
}

/**
 * After the provider refused an attempt: a decline or a rejected token ends it (nothing was charged, the next try gets a
 * new attempt and key). Any other failure leaves it pending: the outcome is unknown until the same key is replayed.
 * A decline reached a card and counts toward the attempt limits; a rejected token did not and does not, but its row
 * stays: the provider has seen its idempotency key, which must never be handed to another token.
 */
export async function recordFailedCharge(pool: Pool, attempt: PaymentAttempt, err: unknown): Promise<void> {
  if (err instanceof PaymentDeclinedError) {
    await finishAttempt(pool, attempt.id, { status: 'declined', failureMessage: err.message });
  } else if (err instanceof InvalidPaymentTokenError) {
    await finishAttempt(pool, attempt.id, { status: 'invalid_token', failureMessage: err.message });
  }
}
