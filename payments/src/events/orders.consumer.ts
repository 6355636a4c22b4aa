import { startConsumer, type Bus, type Consumer, type Logger, type Pool } from '@ticketing/common';
import type { RefundDeps } from '../domain/refunds';
import { onOrderCancelled } from './order-cancelled.listener';
import { onOrderCompleted } from './order-completed.listener';
import { onOrderCreated } from './order-created.listener';
import { onOrderPaymentRejected } from './order-payment-rejected.listener';

export interface OrdersConsumerOptions {
  bus: Bus;
  pool: Pool;
  logger: Logger;
  refunds: RefundDeps;
  /** Passed through to the consumer (tests shorten the back-off). */
  backoffMs?: number[];
  maxDeliver?: number;
}

/** The durable consumer 'payments' on ORDERS: the orders replica and the refunds orders asks for. */
export function startOrdersConsumer(opts: OrdersConsumerOptions): Promise<Consumer> {
  return startConsumer({
    bus: opts.bus,
    pool: opts.pool,
    logger: opts.logger,
    service: 'payments',
    stream: 'ORDERS',
    backoffMs: opts.backoffMs,
    maxDeliver: opts.maxDeliver,
    handlers: {
      'order.created': onOrderCreated,
      'order.cancelled': onOrderCancelled,
      'order.completed': onOrderCompleted,
      'order.payment_rejected': onOrderPaymentRejected(opts.refunds),
    },
  });
}
