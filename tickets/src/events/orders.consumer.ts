import type { ConsumerDeclaration } from '@ticketing/common';
import type { DeliveryRules } from '../domain/deliveries.domain';
import { onOrderCancelled } from './order-cancelled.listener';
import { orderCompletedListener } from './order-completed.listener';
import { onOrderCreated } from './order-created.listener';

/** The durable consumer 'tickets' on ORDERS: one handler per order event that moves holds on a listing's tickets. */
export function ordersConsumer(rules: DeliveryRules): ConsumerDeclaration {
  return {
    stream: 'ORDERS',
    // Every handler locks the order's listing: batches are formed per listing, so two never lock listings in opposite orders.
    laneKey: (_subject, order) => order.listingId as string,
    handlers: {
      'order.created': onOrderCreated,
      'order.cancelled': onOrderCancelled,
      'order.completed': orderCompletedListener(rules),
    },
  };
}
