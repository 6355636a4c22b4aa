import type { PaymentCreatedEvent, TxEventContext } from '@ticketing/common';
import { settlePayment } from '../domain/payments';

/** payment.created → the order completes, or (no longer payable) the payment is rejected so payments refunds it. */
export async function onPaymentCreated(payload: PaymentCreatedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await settlePayment(ctx.tx, payload);
  const fields = { orderId: payload.orderId, paymentId: payload.id, outcome: outcome.kind, orderStatus: outcome.order?.status };
  if (outcome.kind === 'rejected') ctx.logger.warn({ ...fields, amountCents: payload.amountCents, totalCents: outcome.order?.totalCents }, 'payment rejected; it will be refunded');
  else ctx.logger.info(fields, outcome.kind === 'completed' ? 'order paid and complete' : 'payment already applied');
}
