import { randomUUID } from 'node:crypto';
import { createLogger, ensureStreams, startConsumers, startOutboxRelay, type Bus, type Pool, type Queryable } from '@ticketing/common';
import { createTestBus, createTestDatabase, testKeys, type TestDatabase } from '@ticketing/common/testing';
import type { Express } from 'express';
import { buildApp } from '../src/app';
import { insertEvent, type EventRow, type NewEvent } from '../src/data/events.data';
import { CATALOG_CONSUMERS, CATALOG_STREAMS } from '../src/events/consumers';
import { CATALOG_MIGRATIONS } from '../src/migrations';

export const silentLogger = createLogger('catalog-test', 'silent');

export function createCatalogTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase(CATALOG_MIGRATIONS, 'catalog');
}

export function catalogTestApp(pool: Pool) {
  return buildApp({ pool, logger: silentLogger, jwtPublicKey: testKeys().publicKey });
}

/** The test file's own database and app: made before its first test, dropped after its last. */
export function catalogForFile(): { db: TestDatabase; app: Express } {
  const file = {} as { db: TestDatabase; app: Express };
  beforeAll(async () => {
    file.db = await createCatalogTestDatabase();
    file.app = catalogTestApp(file.db.pool);
  });
  afterAll(() => file.db.drop());
  return file;
}

const DAY_MS = 86_400_000;
/** An instant `days` from now (negative: in the past), whole milliseconds. */
export const daysFromNow = (days: number): Date => new Date(Date.now() + days * DAY_MS);

/** A valid POST /api/events body; override what the test is about. */
export function eventBody(over: Record<string, unknown> = {}) {
  return {
    name: 'Radiohead',
    category: 'concert',
    venue: { name: 'Wembley Arena', city: 'London', country: 'GB' },
    timeZone: 'Europe/London',
    startsAt: daysFromNow(30).toISOString(),
    ...over,
  };
}

/**
 * Puts an event straight into the table, as if an admin had scheduled it, without its outbox row; the only way to
 * have one that is already over (the API refuses a start in the past).
 */
export async function seedEvent(db: Queryable, over: Partial<NewEvent> = {}): Promise<EventRow> {
  return insertEvent(db, {
    id: randomUUID(),
    name: 'Radiohead',
    category: 'concert',
    venueName: 'Wembley Arena',
    venueCity: 'London',
    venueCountry: 'GB',
    timeZone: 'Europe/London',
    startsAt: daysFromNow(30),
    ...over,
  });
}

export interface OutboxEvent {
  eventId: string;
  subject: string;
  payload: Record<string, unknown> & { id?: string };
}

/** Events written to the outbox, oldest first; optionally only those about one event of the catalogue. */
export async function outboxEvents(db: Queryable, id?: string): Promise<OutboxEvent[]> {
  const { rows } = await db.query<OutboxEvent>(
    `SELECT event_id AS "eventId", subject, payload FROM outbox WHERE $1::text IS NULL OR payload->>'id' = $1 ORDER BY seq`,
    [id ?? null],
  );
  return rows;
}

export interface EventHarness {
  db: TestDatabase;
  bus: Bus;
  /** Stops consumers and relay, deletes the namespace's streams, drops the database. */
  stop(): Promise<void>;
}

/** catalog wired as in index.ts (its consumers and outbox relay) to a database and bus namespace of its own. */
export async function startEventHarness(opts: { prepareDatabase?: (db: TestDatabase) => Promise<void> } = {}): Promise<EventHarness> {
  const db = await createCatalogTestDatabase();
  await opts.prepareDatabase?.(db);
  const testBus = await createTestBus(silentLogger);
  await ensureStreams(testBus.bus, CATALOG_STREAMS);
  const consumers = await startConsumers(CATALOG_CONSUMERS, { service: 'catalog', bus: testBus.bus, pool: db.pool, logger: silentLogger, backoffMs: [100, 200] });
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
