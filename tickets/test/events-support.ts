import { randomUUID } from 'node:crypto';
import { createLogger, ensureStreams, startConsumers, startOutboxRelay, type Consumer, type OrderCreatedEvent, type OutboxRelay } from '@ticketing/common';
import { collectEvents, createTestBus, type EventCollector, type TestBus } from '@ticketing/common/testing';
import { ordersConsumer } from '../src/events/orders.consumer';
import type { FirstPageCache } from '../src/routes/first-page-cache';
import { startTicketsApp, type TicketsTestContext } from './support';

export interface TicketsWithBus extends TicketsTestContext {
  tb: TestBus;
  relay: OutboxRelay;
  consumer: Consumer;
  /** Every ticket.* event the relay published to this namespace's TICKETS stream. */
  published: EventCollector;
  stop(): Promise<void>;
}

export const quietLogger = createLogger('tickets-test', 'silent');

/** The service as index.ts wires it (app, relay, durable 'tickets' consumer on ORDERS) on a database and namespace of its own. */
export async function startTicketsWithBus(opts: { firstPageCache?: FirstPageCache } = {}): Promise<TicketsWithBus> {
  const ctx = await startTicketsApp(opts);
  const logger = quietLogger;
  const tb = await createTestBus(logger);
  await ensureStreams(tb.bus, ['TICKETS', 'ORDERS']);
  const relay = startOutboxRelay({ pool: ctx.db.pool, bus: tb.bus, logger, pollIntervalMs: 200 });
  // Short back-off: a failed delivery comes back in a fraction of a second instead of a second or more.
  const consumer = await startConsumers([ordersConsumer({ onTicketChange: () => opts.firstPageCache?.invalidate() })], {
    service: 'tickets',
    bus: tb.bus,
    pool: ctx.db.pool,
    logger,
    backoffMs: [100, 200],
  });
  const published = await collectEvents(tb.bus, 'TICKETS');
  const started: TicketsWithBus = {
    ...ctx,
    tb,
    relay,
    consumer,
    published,
    stop: async () => {
      await published.stop();
      await started.consumer.stop();
      await relay.stop();
      await tb.cleanup();
      await ctx.db.drop();
    },
  };
  return started;
}

/** An order.created as orders publishes it; expiresAt orders orders of one ticket (a newer order expires later). */
export function orderCreated(ticket: { id: string; price: number }, opts: { orderId?: string; expiresInSeconds?: number } = {}): OrderCreatedEvent {
  return {
    id: opts.orderId ?? randomUUID(),
    version: 0,
    status: 'created',
    userId: randomUUID(),
    expiresAt: new Date(Date.now() + (opts.expiresInSeconds ?? 900) * 1000).toISOString(),
    ticket: { id: ticket.id, priceCents: Math.round(ticket.price * 100) },
  };
}

export const orderCancelled = (order: OrderCreatedEvent, reason: 'expired' | 'cancelled' | 'payment_rejected' = 'cancelled') => ({
  id: order.id,
  version: 1,
  ticket: { id: order.ticket.id },
  reason,
});

export const orderCompleted = (order: OrderCreatedEvent) => ({ id: order.id, version: 1, ticket: { id: order.ticket.id }, paymentId: randomUUID() });
