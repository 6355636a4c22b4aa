import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, withTransaction, type Logger, type Pool, type PoolClient } from '@ticketing/common';
import { findOrder } from '../data/orders.data';
import { findLatestAttempt, insertAttempt, type PaymentAttempt } from '../data/payment-attempts.data';
import { findPaymentByOrder, type Payment } from '../data/payments.data';
import { InvalidPaymentTokenError, type PaymentGateway } from '../gateways/payment-gateway';
import { DEFAULT_ATTEMPT_LIMITS, ensureRoomForAttempt, type AttemptLimits } from './attempt-limits';
import { AlreadyPaidError, chargeRequestFor, recordFailedCharge, recordSucceededCharge } from './record-charge';

export type { Payment } from '../data/payments.data';

export interface PaymentsDeps {
  pool: Pool;
  gateway: PaymentGateway;
  /** ISO 4217, lower case. */
  currency: string;
  logger: Logger;
  /** Card testing (PAYMENT_ATTEMPTS_PER_ORDER_PER_HOUR, _PER_BUYER_PER_HOUR); defaults 5 and 20 an hour. */
  attemptLimits?: AttemptLimits;
  now?: () => Date;
}

export interface PaymentRequest {
  userId: string;
  orderId: string;
  token: string;
}

/** Attempt 1 uses the order id itself (docs/design.md: "each charge uses the order id as idempotency key"). */
export function idempotencyKeyFor(orderId: string, attemptNo: number): string {
  return attemptNo === 1 ? orderId : `${orderId}:attempt-${attemptNo}`;
}

/**
 * POST /api/payments: check the replica, record the attempt, charge, store. The provider is called outside any
 * transaction (a network call must not hold a row lock), between two short transactions:
 *   1. lock the order's replica row, check it is payable, create (or reuse) the pending attempt;
 *   2. charge with the attempt's idempotency key;
 *   3. store payment + payment.created (recordSucceededCharge).
 * A crash between 2 and 3 leaves a pending attempt with the provider's charge behind it: the reconciler replays the
 * same request (same key → the same charge) and stores it.
 */
export async function takePayment(deps: PaymentsDeps, req: PaymentRequest): Promise<Payment> {
  if (!deps.gateway.token.pattern.test(req.token)) {
    throw new InvalidPaymentTokenError(`token must be ${deps.gateway.token.description}`);
  }
  const attempt = await withTransaction(deps.pool, (tx) => beginAttempt(tx, deps, req));
  let providerId: string;
  try {
    ({ providerId } = await deps.gateway.charge(chargeRequestFor(attempt)));
  } catch (err) {
    await recordFailedCharge(deps.pool, attempt, err);
    throw err;
  }
  return recordSucceededCharge(deps.pool, attempt, providerId, deps.logger);
}

async function beginAttempt(tx: PoolClient, deps: PaymentsDeps, req: PaymentRequest): Promise<PaymentAttempt> {
  // The row lock serialises every payment request for this order up to the attempt's commit.
  const order = await findOrder(tx, req.orderId, { lock: true });
  if (!order) throw new NotFoundError('Order not found');
  if (order.userId !== req.userId) throw new ForbiddenError('Not allowed: this is not your order');
  if (order.status === 'cancelled') throw new ConflictError('This order was cancelled and can no longer be paid');
  if (order.status === 'complete' || (await findPaymentByOrder(tx, order.id))) throw new AlreadyPaidError();
  if (order.status !== 'created') throw new ConflictError(`This order is ${order.status} and cannot be paid now`);
  if (order.expiresAt.getTime() <= (deps.now?.() ?? new Date()).getTime()) throw new ConflictError('This order has expired and can no longer be paid');

  const latest = await findLatestAttempt(tx, order.id);
  if (latest?.status === 'succeeded') throw new AlreadyPaidError();
  if (latest?.status === 'pending') {
    // The same payment sent again (double click, client retry, retry after a crash): same key, so the provider
    // answers with the charge it already made, if any. Another card while one is in flight must wait for its outcome.
    if (latest.token === req.token) return latest;
    throw new ConflictError('Another payment for this order is in progress; try again shortly');
  }
  // Only a new attempt is limited: the repeat above reuses its key and cannot charge again.
  await ensureRoomForAttempt(tx, deps.attemptLimits ?? DEFAULT_ATTEMPT_LIMITS, order);
  const attemptNo = (latest?.attemptNo ?? 0) + 1;
  return insertAttempt(tx, {
    id: randomUUID(),
    orderId: order.id,
    attemptNo,
    idempotencyKey: idempotencyKeyFor(order.id, attemptNo),
    // The total orders fixed when the order was created (k × unit price + buyer fee), nothing from the request.
    amountCents: order.totalCents,
    currency: deps.currency,
    token: req.token,
  });
}
