import { randomUUID } from 'node:crypto';
import { COMMON_MIGRATIONS, connectBus, createPool, ensureStreams, startOutboxRelay, type Bus, type OutboxRelay, type Pool } from '@ticketing/common';
import { collectEvents, createTestBus, createTestDatabase, waitFor, type TestBus, type TestDatabase } from '@ticketing/common/testing';
import { outboxRows, quietLogger, versionsOf, writeEventUpdate } from './helpers';

// Two replicas of a service, each with its own pool, NATS connection and relay, against one outbox.
let db: TestDatabase;
let tb: TestBus;
const replicas: Array<{ pool: Pool; bus: Bus; relay: OutboxRelay; published: string[] }> = [];

jest.setTimeout(60_000);

beforeAll(async () => {
  db = await createTestDatabase([COMMON_MIGRATIONS], 'bus_replicas');
  tb = await createTestBus(quietLogger());
  await ensureStreams(tb.bus, ['EVENTS']);
  for (let i = 0; i < 2; i++) {
    const pool = createPool(db.url, quietLogger(), { max: 4 });
    const bus = await connectBus({ url: tb.url, name: `replica-${i}`, namespace: tb.namespace, logger: quietLogger() });
    const published: string[] = [];
    const relay = startOutboxRelay({
      pool,
      bus,
      logger: quietLogger(),
      batchSize: 40,
      testHooks: { afterPublish: (rows) => void published.push(...rows.map((r) => r.event_id)) },
    });
    replicas.push({ pool, bus, relay, published });
  }
});
afterAll(async () => {
  for (const r of replicas) {
    await r.relay.stop();
    await r.bus.close();
    await r.pool.end();
  }
  await tb.cleanup();
  await db.drop();
});

test('two relays publish each event exactly once and keep each aggregate in order, also when one stops midway', async () => {
  const tickets = Array.from({ length: 20 }, () => randomUUID());
  const perTicket = 50;
  const written: string[] = [];
  // One writer per ticket (its versions are sequential, as a row lock would make them), all tickets at once.
  const writers = tickets.map(async (t) => {
    for (let v = 1; v <= perTicket; v++) {
      written.push(await writeEventUpdate(db.pool, t, v));
      if (t === tickets[0] && v === perTicket / 2) await replicas[0]!.relay.stop(); // a replica goes away mid-run
    }
  });
  await Promise.all(writers);
  const total = tickets.length * perTicket;
  expect(written).toHaveLength(total);

  await waitFor(async () => expect((await outboxRows(db.pool)).filter((r) => !r.sent_at)).toEqual([]), { timeoutMs: 30_000 });
  const published = replicas.flatMap((r) => r.published);
  expect(published).toHaveLength(total); // no row went out twice, not even as a deduplicated copy
  expect(new Set(published)).toEqual(new Set(written));
  expect(replicas[0]!.published.length).toBeGreaterThan(0);
  expect(replicas[1]!.published.length).toBeGreaterThan(0);

  const collector = await collectEvents(tb.bus, 'EVENTS');
  const events = await collector.waitForCount(total, { timeoutMs: 20_000 });
  await collector.stop();
  expect(events).toHaveLength(total);
  for (const t of tickets) {
    const versions = versionsOf(events, t);
    expect(versions).toEqual(Array.from({ length: perTicket }, (_, i) => i + 1));
  }
});
