import { startConsumer, type Bus, type Consumer, type Logger, type Pool, type StreamKey } from '@ticketing/common';
import { onExpirationCompleted } from './expiration-completed.listener';
import { onPaymentCreated } from './payment-created.listener';
import { onTicketCreated } from './ticket-created.listener';
import { onTicketUpdated } from './ticket-updated.listener';

export const ORDERS_SERVICE = 'orders';

/** Streams orders publishes to (ORDERS) and reads from: ensured at start-up. */
export const ORDERS_STREAMS: StreamKey[] = ['ORDERS', 'TICKETS', 'EXPIRATION', 'PAYMENTS'];

export interface ConsumerDeps {
  bus: Bus;
  pool: Pool;
  logger: Logger;
  /** Tests shorten the redelivery back-off. */
  backoffMs?: number[];
}

/** One durable consumer named 'orders' per stream orders reads; every handler runs in a transaction with the inbox. */
export async function startOrdersConsumers({ bus, pool, logger, backoffMs }: ConsumerDeps): Promise<Consumer> {
  const common = { bus, pool, logger, service: ORDERS_SERVICE, backoffMs };
  const started: Consumer[] = [];
  try {
    started.push(await startConsumer({ ...common, stream: 'TICKETS', handlers: { 'ticket.created': onTicketCreated, 'ticket.updated': onTicketUpdated } }));
    started.push(await startConsumer({ ...common, stream: 'EXPIRATION', handlers: { 'expiration.completed': onExpirationCompleted } }));
    started.push(await startConsumer({ ...common, stream: 'PAYMENTS', handlers: { 'payment.created': onPaymentCreated } }));
  } catch (err) {
    await Promise.all(started.map((c) => c.stop()));
    throw err;
  }
  return { stop: async () => void (await Promise.all(started.map((c) => c.stop()))) };
}
