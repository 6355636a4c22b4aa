import type { ConsumerDeclaration } from '@ticketing/common';
import type { RefundDeps } from '../domain/refunds';
import { onOrderCancelled } from './order-cancelled.listener';
import { onOrderCompleted } from './order-completed.listener';
import { onOrderCreated } from './order-created.listener';
import { onOrderPaymentRejected } from './order-payment-rejected.listener';

/** The durable consumer 'payments' on ORDERS: the orders replica and the refunds orders asks for. */
export function ordersConsumer(refunds: RefundDeps): ConsumerDeclaration {
  return {
    stream: 'ORDERS',
    handlers: {
      'order.created': onOrderCreated,
      'order.cancelled': onOrderCancelled(refunds),
      'order.completed': onOrderCompleted,
      'order.payment_rejected': onOrderPaymentRejected(refunds),
    },
  };
}
