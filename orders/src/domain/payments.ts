import type { PaymentCreatedEvent, Queryable } from '@ticketing/common';
import { completeOrderIfPayable, findOrder, type OrderRow } from '../data/orders.data';
import { recordOrderCompleted, recordPaymentRejected } from './order-events';

export type PaymentOutcome =
  | { kind: 'completed'; order: OrderRow }
  /** The same payment seen again for the order it already completed: nothing to do. */
  | { kind: 'duplicate'; order: OrderRow }
  /** Not payable (cancelled, paid by another payment, unknown, or charged another amount): payments refunds it. */
  | { kind: 'rejected'; order: OrderRow | undefined };

/**
 * Decides a charge's fate (invariant 6) with one conditional update: a still-payable order becomes complete; in
 * every other case the payment is rejected so that it is refunded. A concurrent expiry and this update serialise
 * on the order's row, so exactly one of them wins: complete + order.completed, or cancelled + payment_rejected.
 */
export async function settlePayment(tx: Queryable, payment: PaymentCreatedEvent): Promise<PaymentOutcome> {
  const completed = await completeOrderIfPayable(tx, payment.orderId, payment.id, payment.amountCents);
  if (completed) {
    await recordOrderCompleted(tx, completed);
    return { kind: 'completed', order: completed };
  }
  const order = await findOrder(tx, payment.orderId);
  if (order?.status === 'complete' && order.paymentId === payment.id) return { kind: 'duplicate', order };
  await recordPaymentRejected(tx, payment.orderId, payment.id);
  return { kind: 'rejected', order };
}
