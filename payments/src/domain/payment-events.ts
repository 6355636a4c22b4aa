import { writeOutbox, type Queryable } from '@ticketing/common';
import type { Payment } from '../data/payments.data';

/**
 * The events payments publishes, written to the outbox in the caller's transaction: a stored payment or a refund and
 * its event commit together or not at all (docs/design.md invariant 4). The relay publishes them after commit.
 */

export function recordPaymentCreated(tx: Queryable, payment: Payment): Promise<string> {
  return writeOutbox(
    tx,
    'payment.created',
    { id: payment.id, orderId: payment.orderId, amountCents: payment.amountCents, providerId: payment.providerId },
  );
}

export function recordPaymentRefunded(tx: Queryable, payment: Payment, providerRefundId: string): Promise<string> {
  return writeOutbox(tx, 'payment.refunded', { id: payment.id, orderId: payment.orderId, refundId: providerRefundId });
}
