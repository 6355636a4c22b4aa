import { randomUUID } from 'node:crypto';
import { createLogger, ensureStreams, startConsumers, startOutboxRelay, type Bus, type Pool, type Queryable } from '@ticketing/common';
import { createTestBus, createTestDatabase, testKeys, type TestDatabase } from '@ticketing/common/testing';
import { buildApp } from '../src/app';
import { ORDERS_MIGRATIONS } from '../src/migrations';
import { insertTicket, type TicketRow } from '../src/data/tickets.data';
import { ORDERS_CONSUMERS, ORDERS_STREAMS } from '../src/events/consumers';

export const silentLogger = createLogger('orders-test', 'silent');

export function createOrdersTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase(ORDERS_MIGRATIONS, 'orders');
}

export function ordersTestApp(pool: Pool, opts: { orderExpirationSeconds?: number } = {}) {
  return buildApp({ pool, logger: silentLogger, jwtPublicKey: testKeys().publicKey, orderExpirationSeconds: opts.orderExpirationSeconds ?? 900 });
}

/** Puts a listing straight into the replica, as if its ticket.created had been applied. */
export async function seedTicket(db: Queryable, over: Partial<TicketRow> = {}): Promise<TicketRow> {
  const ticket: TicketRow = { id: randomUUID(), title: 'Nina Simone tribute, row F', priceCents: 2500, userId: randomUUID(), version: 0, ...over };
  await insertTicket(db, ticket);
  return ticket;
}

export interface OutboxEvent {
  eventId: string;
  subject: string;
  payload: Record<string, unknown> & { id?: string; orderId?: string };
}

/** Events written to the outbox, oldest first; optionally only those about one order. */
export async function outboxEvents(db: Queryable, orderId?: string): Promise<OutboxEvent[]> {
  const { rows } = await db.query<OutboxEvent>(
    `SELECT event_id AS "eventId", subject, payload FROM outbox
     WHERE $1::text IS NULL OR payload->>'id' = $1 OR payload->>'orderId' = $1 ORDER BY seq`,
    [orderId ?? null],
  );
  return rows;
}

export interface EventHarness {
  db: TestDatabase;
  bus: Bus;
  /** Stops consumers and relay, deletes the namespace's streams, drops the database. */
  stop(): Promise<void>;
}

/**
 * orders wired as in index.ts (its consumers and outbox relay) to its own database and its own bus namespace on the
 * shared NATS. Tests inject other services' events with publishTestEvent and watch what orders publishes.
 */
export async function startEventHarness(opts: { prepareDatabase?: (db: TestDatabase) => Promise<void> } = {}): Promise<EventHarness> {
  const db = await createOrdersTestDatabase();
  await opts.prepareDatabase?.(db);
  const testBus = await createTestBus(silentLogger);
  await ensureStreams(testBus.bus, ORDERS_STREAMS);
  const consumers = await startConsumers(ORDERS_CONSUMERS, { service: 'orders', bus: testBus.bus, pool: db.pool, logger: silentLogger, backoffMs: [100, 200] });
  const relay = startOutboxRelay({ pool: db.pool, bus: testBus.bus, logger: silentLogger, pollIntervalMs: 200 });
  return {
    db,
    bus: testBus.bus,
    stop: async () => {
      await consumers.stop();
      await relay.stop();
      await testBus.cleanup();
      await db.drop();
    },
  };
}
