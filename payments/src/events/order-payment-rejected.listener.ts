import type { OrderPaymentRejectedEvent, TxEventContext } from '@ticketing/common';
import { refundRejectedPayment, type RefundDeps } from '../domain/refunds';

export function onOrderPaymentRejected(deps: RefundDeps) {
  return async (payload: OrderPaymentRejectedEvent, ctx: TxEventContext): Promise<void> => {
    const outcome = await refundRejectedPayment(deps, ctx.tx, payload, ctx);
    ctx.logger.info({ orderId: payload.orderId, paymentId: payload.paymentId, outcome }, 'order.payment_rejected handled');
  };
}
