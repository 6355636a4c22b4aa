import type { CancelReason, Order, PaidPayment, PaymentRefund } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { LocalTime } from './local-time';

const REFUND_REASON: Partial<Record<CancelReason, string>> = {
  not_delivered: 'the seller did not deliver',
  event_cancelled: 'the event was cancelled',
  payment_rejected: 'the order had already ended',
  expired: 'the order had already ended',
};

/**
 * Why the money came back, in words. Payments says `payment_rejected` (the order had ended before the payment reached
 * it) or `cancelled` (cancelled after it was paid); for the latter the order's own reason says why.
 */
export function refundReasonText(refund: PaymentRefund, order: Order): string {
  const reason = refund.reason === 'cancelled' && order.reason ? order.reason : refund.reason;
  return REFUND_REASON[reason] ?? 'the order was cancelled';
}

/** The buyer's receipt: each payment of the order and each refund of it, with when and why. */
export function OrderReceipt({ order, payments }: { order: Order; payments: PaidPayment[] }) {
  if (payments.length === 0) return null;
  return (
    <section className="order-receipt" aria-labelledby="receipt-title" data-testid="order-receipt">
      <h2 id="receipt-title">Receipt</h2>
      <ul>
        {payments.map((payment) => (
          <li key={payment.id}>
            <p data-testid="receipt-payment">
              Paid {formatPrice(payment.amount)} on <LocalTime iso={payment.createdAt} />
            </p>
            {payment.refunds.map((refund) => (
              <p key={refund.id} className="receipt-refund" data-testid="receipt-refund">
                {refund.status === 'succeeded' && refund.refundedAt ? (
                  <>
                    Refunded {formatPrice(refund.amount)} on <LocalTime iso={refund.refundedAt} />
                  </>
                ) : (
                  <>Refund of {formatPrice(refund.amount)} on its way</>
                )}{' '}
                — {refundReasonText(refund, order)}
              </p>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
