import { randomUUID } from 'node:crypto';
import pino from 'pino';
import {
  COMMON_MIGRATIONS,
  createLogger,
  startConsumer,
  withTransaction,
  writeOutbox,
  type Bus,
  type Consumer,
  type EventPayload,
  type Logger,
  type Pool,
  type TxConsumerOptions,
} from '@ticketing/common';
import { createTestBus, createTestDatabase, type TestBus, type TestDatabase } from '@ticketing/common/testing';

export { COMMON_MIGRATIONS };

/**
 * A valid event.updated payload (a catalogue event, the whole event at `version`) for aggregate `id`. These tests
 * need some versioned aggregate on some stream; EVENTS carries three subjects of one shape, so it serves.
 */
export function eventUpdated(id: string, version: number): EventPayload<'event.updated'> {
  return {
    id,
    version,
    name: `event ${id.slice(0, 8)} v${version}`,
    category: 'concert',
    venue: { name: 'Test Hall', city: 'Testville', country: 'US' },
    timeZone: 'UTC',
    startsAt: '2030-06-21T18:30:00.000Z',
    status: 'scheduled',
  };
}

export function eventScheduled(id: string = randomUUID(), version = 0): EventPayload<'event.scheduled'> {
  return eventUpdated(id, version);
}

/** Writes one event.updated per call, each in its own committed transaction (as a service would). */
export async function writeEventUpdate(pool: Pool, id: string, version: number, requestId?: string): Promise<string> {
  return withTransaction(pool, (tx) => writeOutbox(tx, 'event.updated', eventUpdated(id, version), { requestId }));
}

export async function outboxRows(pool: Pool): Promise<Array<{ seq: number; event_id: string; sent_at: Date | null; attempts: number; last_error: string | null }>> {
  return (await pool.query('SELECT seq, event_id, sent_at, attempts, last_error FROM outbox ORDER BY seq')).rows;
}

export function quietLogger(): Logger {
  return createLogger('bus-test', process.env.TEST_LOG_LEVEL ?? 'silent');
}

/** A logger that keeps every record (level as pino's number: 40 warn, 50 error) so tests can assert what was logged. */
export function capturingLogger(): { logger: Logger; records: Array<Record<string, unknown> & { level: number; msg: string }> } {
  const records: Array<Record<string, unknown> & { level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) });
  return { logger, records };
}

/** The versions of one aggregate's events, in the order given (stream order for a collector's events). */
export function versionsOf(events: Array<{ payload: unknown }>, id: string): number[] {
  return events.map((e) => e.payload as { id?: string; version?: number }).filter((p) => p.id === id).map((p) => p.version!);
}

export type TestConsumerOptions = Partial<Omit<TxConsumerOptions, 'handlers'>> & Pick<TxConsumerOptions, 'handlers'>;

/** startConsumer as these tests mostly use it: durable 'svc' on EVENTS, quiet logs; opts override any of it. */
export function startTestConsumer(on: { bus: Bus; pool: Pool }, opts: TestConsumerOptions): Promise<Consumer> {
  return startConsumer({ bus: on.bus, pool: on.pool, logger: quietLogger(), service: 'svc', stream: 'EVENTS', ...opts });
}

export interface ConsumerTestEnv {
  /** The file's database: the bus tables and the file's own schema. */
  readonly db: TestDatabase;
  /** This test's bus namespace: fresh streams and durable consumers for every test. */
  readonly tb: TestBus;
  /** startTestConsumer on this env's bus and database; the consumer is stopped after the test. */
  start(opts: TestConsumerOptions): Promise<Consumer>;
  /** Stops this consumer after the test (one started otherwise, e.g. a plain consumer). */
  stopAfterTest(consumer: Consumer): Consumer;
}

/**
 * Registers a consumer test file's hooks: one database for the file (bus tables, then `schema`), a new bus namespace
 * per test, and after each test its consumers stopped, its namespace deleted, then `afterEachSql` run.
 */
export function consumerTestEnv(name: string, opts: { schema?: string; afterEachSql?: string } = {}): ConsumerTestEnv {
  let db: TestDatabase | undefined;
  let tb: TestBus | undefined;
  let consumers: Consumer[] = [];
  const stopAfterTest = (consumer: Consumer) => {
    consumers.push(consumer);
    return consumer;
  };
  const env: ConsumerTestEnv = {
    get db() {
      if (!db) throw new Error('the database exists from beforeAll on');
      return db;
    },
    get tb() {
      if (!tb) throw new Error('the bus exists from beforeEach on');
      return tb;
    },
    start: async (startOpts) => stopAfterTest(await startTestConsumer({ bus: env.tb.bus, pool: env.db.pool }, startOpts)),
    stopAfterTest,
  };
  beforeAll(async () => {
    db = await createTestDatabase([COMMON_MIGRATIONS], name);
    if (opts.schema) await db.pool.query(opts.schema);
  });
  beforeEach(async () => {
    tb = await createTestBus(quietLogger());
  });
  afterEach(async () => {
    const running = consumers;
    consumers = [];
    await Promise.all(running.map((c) => c.stop()));
    await tb?.cleanup();
    if (opts.afterEachSql) await db?.pool.query(opts.afterEachSql);
  });
  afterAll(async () => {
    await db?.drop();
  });
  return env;
}
