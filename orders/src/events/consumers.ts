import { catalogEventsConsumer, type ConsumerDeclaration, type StreamKey } from '@ticketing/common';
import { onDeliveryCompleted, onDeliveryMissed, onDeliveryScheduled } from './deliveries.listener';
import { onCatalogEventApplied } from './event-cancelled.listener';
import { onExpirationCompleted } from './expiration-completed.listener';
import { onListingChanged } from './listing-changed.listener';
import { onPaymentCreated } from './payment-created.listener';

/** Streams orders publishes to (ORDERS) and reads from: ensured at start-up. */
export const ORDERS_STREAMS: StreamKey[] = ['ORDERS', 'LISTINGS', 'EVENTS', 'EXPIRATION', 'PAYMENTS', 'DELIVERIES'];

/** One durable consumer per stream orders reads; every handler runs in a transaction with the inbox. */
export const ORDERS_CONSUMERS: ConsumerDeclaration[] = [
  { stream: 'LISTINGS', handlers: { 'listing.changed': onListingChanged } },
  catalogEventsConsumer({ then: onCatalogEventApplied }),
  { stream: 'EXPIRATION', handlers: { 'expiration.completed': onExpirationCompleted } },
  { stream: 'PAYMENTS', handlers: { 'payment.created': onPaymentCreated } },
  {
    stream: 'DELIVERIES',
    handlers: { 'delivery.scheduled': onDeliveryScheduled, 'delivery.completed': onDeliveryCompleted, 'delivery.missed': onDeliveryMissed },
  },
];
