import type { Express } from 'express';
import { catalogEventsConsumer, createLogger, startConsumers, type CatalogEventPayload, type Consumer } from '@ticketing/common';
import { collectEvents, publishTestEvent, startEventHarness, waitFor, type EventCollector, type EventHarness } from '@ticketing/common/testing';
import type { DeliveryRules } from '../src/domain/deliveries.domain';
import { onCatalogEventApplied } from '../src/events/catalog-event-applied';
import { ordersConsumer } from '../src/events/orders.consumer';
import { TICKETS_MIGRATIONS } from '../src/migrations';
import { ticketsApp } from './support';

export const quietLogger = createLogger('tickets-test', 'silent');

/** Items are due 24 hours before the event, as by default. */
export const DELIVERY_RULES: DeliveryRules = { cutoffHours: 24 };

export interface TicketsWithBus {
  harness: EventHarness;
  app: Express;
  /** The durable 'tickets' consumer on ORDERS, started here so a test can stop it and replay the stream. */
  orders: Consumer;
  restartOrdersConsumer(): Promise<void>;
  /** Every listing.changed the relay published to this namespace's LISTINGS stream. */
  published: EventCollector;
  /** Every delivery.* the relay published to this namespace's DELIVERIES stream. */
  deliveries: EventCollector;
  /** Resolves once the 'tickets' consumer committed this event (its inbox row is written in the handler's transaction). */
  applied(eventId: string): Promise<unknown>;
  /** Publishes as another service would and waits until tickets applied it. */
  deliver(...args: Parameters<typeof publishTestEvent>): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The service as index.ts wires it (app, relay, the EVENTS and ORDERS consumers) on a database and bus namespace of
 * its own: common's harness runs the relay and the catalogue replica's consumer; the orders consumer is the test's.
 */
export async function startTicketsWithBus(): Promise<TicketsWithBus> {
  const harness = await startEventHarness({
    service: 'tickets',
    migrations: TICKETS_MIGRATIONS,
    streams: ['LISTINGS', 'DELIVERIES', 'TICKETS', 'ORDERS', 'EVENTS'],
    consumers: [catalogEventsConsumer({ then: onCatalogEventApplied(DELIVERY_RULES) })],
    logger: quietLogger,
  });
  const startOrders = () =>
    startConsumers([ordersConsumer(DELIVERY_RULES)], { service: 'tickets', bus: harness.bus, pool: harness.db.pool, logger: quietLogger, backoffMs: [100, 200] });
  const published = await collectEvents(harness.bus, 'LISTINGS');
  const deliveries = await collectEvents(harness.bus, 'DELIVERIES');
  const applied = (eventId: string) =>
    waitFor(async () => (await harness.db.pool.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', ['tickets', eventId])).rowCount === 1, {
      description: `event ${eventId} to be applied`,
    });
  const started: TicketsWithBus = {
    harness,
    app: ticketsApp(harness.db.pool),
    orders: await startOrders(),
    restartOrdersConsumer: async () => {
      await started.orders.stop();
      await harness.bus.jsm.consumers.delete(harness.bus.streamName('ORDERS'), 'tickets');
      started.orders = await startOrders();
    },
    published,
    deliveries,
    applied,
    deliver: async (...args) => {
      const eventId = await publishTestEvent(...args);
      await applied(eventId);
      return eventId;
    },
    stop: async () => {
      await published.stop();
      await deliveries.stop();
      await started.orders.stop();
      await harness.stop();
    },
  };
  return started;
}

/** A catalogue event as catalog publishes it (event.scheduled), starting tomorrow. */
export function scheduledEvent(id: string): CatalogEventPayload {
  return {
    id,
    version: 0,
    name: 'Open air',
    category: 'festival',
    venue: { name: 'Park', city: 'Berlin', country: 'DE' },
    timeZone: 'Europe/Berlin',
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    status: 'scheduled',
  };
}
