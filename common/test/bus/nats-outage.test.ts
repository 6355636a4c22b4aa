import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { COMMON_MIGRATIONS, ensureStreams, startOutboxRelay, type Consumer, type OutboxRelay } from '@ticketing/common';
import {
  collectEvents,
  createTestBus,
  createTestDatabase,
  publishTestEvent,
  startNatsServer,
  waitFor,
  type NatsServerProcess,
  type TestBus,
  type TestDatabase,
} from '@ticketing/common/testing';
import { outboxRows, quietLogger, startTestConsumer, versionsOf, eventScheduled, writeEventUpdate } from './helpers';

// NATS goes away under running relays and consumers: a nats-server of this file's own, killed and restarted on the
// same port and store.
let nats: NatsServerProcess;
let db: TestDatabase;
let tb: TestBus;
let relay: OutboxRelay | undefined;
let consumer: Consumer | undefined;

jest.setTimeout(60_000);

beforeAll(async () => {
  nats = await startNatsServer();
  db = await createTestDatabase([COMMON_MIGRATIONS], 'bus_outage');
});
beforeEach(async () => {
  tb = await createTestBus(quietLogger(), { url: nats.url });
  await db.pool.query('TRUNCATE outbox, inbox');
});
afterEach(async () => {
  await relay?.stop();
  await consumer?.stop();
  relay = undefined;
  consumer = undefined;
  await nats.start().catch(() => undefined); // running again if a test failed while it was down
  await waitFor(() => tb.bus.isConnected(), { timeoutMs: 15_000 });
  await tb.cleanup();
});
afterAll(async () => {
  await db.drop();
  await nats.cleanup();
});

test('writes keep succeeding while NATS is down; when it returns every event is published once, in order', async () => {
  await ensureStreams(tb.bus, ['EVENTS']);
  relay = startOutboxRelay({ pool: db.pool, bus: tb.bus, logger: quietLogger(), maxRetryDelayMs: 1000, batchSize: 50 });
  const tickets = Array.from({ length: 5 }, () => randomUUID());
  const written: string[] = [];
  const writeRound = async (v: number) => {
    for (const t of tickets) written.push(await writeEventUpdate(db.pool, t, v));
  };

  let v = 0;
  while (v < 20) await writeRound(++v);
  await nats.stop('SIGKILL'); // a crash, possibly mid-batch
  const writtenWhileDown = written.length;
  const downSince = Date.now();
  while (Date.now() - downSince < 2500) {
    await writeRound(++v); // the API side never notices
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(written.length).toBeGreaterThan(writtenWhileDown);
  const pendingWhileDown = (await outboxRows(db.pool)).filter((r) => !r.sent_at);
  expect(pendingWhileDown.length).toBeGreaterThan(0);
  await waitFor(async () => expect((await outboxRows(db.pool)).some((r) => r.attempts > 0 && /NATS/i.test(r.last_error ?? ''))).toBe(true));

  await nats.start();
  for (let i = 0; i < 10; i++) await writeRound(++v);

  await waitFor(async () => expect((await outboxRows(db.pool)).filter((r) => !r.sent_at)).toEqual([]), { timeoutMs: 30_000 });
  const collector = await collectEvents(tb.bus, 'EVENTS');
  const events = await collector.waitForCount(written.length, { timeoutMs: 10_000 });
  await new Promise((r) => setTimeout(r, 300));
  await collector.stop();

  expect(collector.events).toHaveLength(written.length); // nothing twice
  expect(new Set(events.map((e) => e.eventId))).toEqual(new Set(written));
  for (const t of tickets) {
    const versions = versionsOf(events, t);
    expect(versions).toEqual(Array.from({ length: v }, (_, i) => i + 1));
  }
});

test('a consumer survives NATS restarts (clean and crash) and keeps consuming', async () => {
  const applied: string[] = [];
  consumer = await startTestConsumer({ bus: tb.bus, pool: db.pool }, {
    service: 'survivor',
    backoffMs: [200],
    handlers: { 'event.scheduled': async (p) => void applied.push(p.id) },
  });
  const publish = async () => {
    const p = eventScheduled();
    await publishTestEvent(tb.bus, 'event.scheduled', p);
    return p.id;
  };
  // Different tickets are different aggregates, which the consumer may apply concurrently: compare as sets, and the
  // lengths show nothing was applied twice.
  const appliedAll = (expected: string[]) => waitFor(() => expect([...applied].sort()).toEqual([...expected].sort()), { timeoutMs: 30_000 });
  const expected = [await publish(), await publish()];
  await appliedAll(expected);

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    await nats.stop(signal);
    await waitFor(() => !tb.bus.isConnected());
    await new Promise((r) => setTimeout(r, 2000)); // down for a while: pull requests and heartbeats lapse
    await nats.start();
    await waitFor(() => tb.bus.isConnected(), { timeoutMs: 15_000 });
    expected.push(await publish(), await publish());
    await appliedAll(expected);
  }
  const inbox = (await db.pool.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'survivor'`)).rows[0].n;
  expect(inbox).toBe(expected.length);
});

test('after NATS comes back with an empty store, the relay and the consumer re-create their stream and consumer', async () => {
  const applied: number[] = [];
  const ticket = randomUUID();
  consumer = await startTestConsumer({ bus: tb.bus, pool: db.pool }, {
    service: 'phoenix',
    backoffMs: [200],
    handlers: { 'event.updated': async (p) => void applied.push(p.version) },
  });
  relay = startOutboxRelay({ pool: db.pool, bus: tb.bus, logger: quietLogger(), maxRetryDelayMs: 1000 });
  await writeEventUpdate(db.pool, ticket, 1);
  await waitFor(() => expect(applied).toEqual([1]));

  await nats.stop('SIGKILL');
  await rm(path.join(nats.storeDir, 'jetstream'), { recursive: true, force: true });
  await nats.start();
  await waitFor(() => tb.bus.isConnected(), { timeoutMs: 15_000 });

  await writeEventUpdate(db.pool, ticket, 2);
  await writeEventUpdate(db.pool, ticket, 3);
  await waitFor(() => expect(applied).toEqual([1, 2, 3]), { timeoutMs: 45_000 });
});
