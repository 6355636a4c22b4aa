import { ensureStreams, startOutboxRelay, type Bus } from '../bus';
import { startConsumers, type ConsumerDeclaration } from '../service/consumers';
import type { MigrationSource } from '../db/migrate';
import type { Queryable } from '../db/pool';
import type { StreamKey } from '../events/contracts';
import { createLogger, type Logger } from '../log/logger';
import { createTestBus } from './bus';
import { createTestDatabase, type TestDatabase } from './database';

export interface EventHarness {
  db: TestDatabase;
  bus: Bus;
  /** Stops consumers and relay, deletes the namespace's streams, drops the database. */
  stop(): Promise<void>;
}

export interface EventHarnessOptions {
  /** The durable consumers' name, as runService gives it. */
  service: string;
  migrations: MigrationSource[];
  streams: StreamKey[];
  consumers: ConsumerDeclaration[];
  /** Runs on the migrated database before anything consumes (seed rows, plant triggers). */
  prepareDatabase?: (db: TestDatabase) => Promise<void>;
  logger?: Logger;
}

/**
 * A service's event side wired as runService wires it (its consumers and outbox relay) to a database and a bus
 * namespace of the test's own, on the shared NATS: tests inject other services' events and watch what it publishes.
 * A short back-off, so a failed delivery comes back in a fraction of a second.
 */
export async function startEventHarness(opts: EventHarnessOptions): Promise<EventHarness> {
  const logger = opts.logger ?? createLogger(`${opts.service}-test`, 'silent');
  const db = await createTestDatabase(opts.migrations, opts.service);
  await opts.prepareDatabase?.(db);
  const testBus = await createTestBus(logger);
  await ensureStreams(testBus.bus, opts.streams);
  const consumers = await startConsumers(opts.consumers, { service: opts.service, bus: testBus.bus, pool: db.pool, logger, backoffMs: [100, 200] });
  const relay = startOutboxRelay({ pool: db.pool, bus: testBus.bus, logger, pollIntervalMs: 200 });
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

export interface OutboxEvent {
  eventId: string;
  subject: string;
  payload: Record<string, unknown> & { id?: string; orderId?: string };
}

/** Events written to the outbox, oldest first; optionally only those about one aggregate (its id, or orderId). */
export async function outboxEvents(db: Queryable, aggregateId?: string): Promise<OutboxEvent[]> {
  const { rows } = await db.query<OutboxEvent>(
    `SELECT event_id AS "eventId", subject, payload FROM outbox
     WHERE $1::text IS NULL OR payload->>'id' = $1 OR payload->>'orderId' = $1 ORDER BY seq`,
    [aggregateId ?? null],
  );
  return rows;
}
