import type { ConsumerDeclaration, StreamKey } from '@ticketing/common';
import { onExpirationCompleted } from './expiration-completed.listener';
import { onPaymentCreated } from './payment-created.listener';
import { onTicketCreated } from './ticket-created.listener';
import { onTicketUpdated } from './ticket-updated.listener';

/** Streams orders publishes to (ORDERS) and reads from: ensured at start-up. */
export const ORDERS_STREAMS: StreamKey[] = ['ORDERS', 'TICKETS', 'EXPIRATION', 'PAYMENTS'];

/** One durable consumer per stream orders reads; every handler runs in a transaction with the inbox. */
export const ORDERS_CONSUMERS: ConsumerDeclaration[] = [
  { stream: 'TICKETS', handlers: { 'ticket.created': onTicketCreated, 'ticket.updated': onTicketUpdated } },
  { stream: 'EXPIRATION', handlers: { 'expiration.completed': onExpirationCompleted } },
  { stream: 'PAYMENTS', handlers: { 'payment.created': onPaymentCreated } },
];
