import { randomUUID } from 'node:crypto';
import { COMMON_MIGRATIONS, createPool, InvalidEventError, pruneBusTables, startOutboxRelay, withTransaction, writeOutbox, type OutboxRelay } from '@ticketing/common';
import { collectEvents, createTestBus, createTestDatabase, waitFor, type TestBus, type TestDatabase } from '@ticketing/common/testing';
import { capturingLogger, outboxRows, quietLogger, versionsOf, eventUpdated, writeEventUpdate } from './helpers';

let db: TestDatabase;
let tb: TestBus;
let relay: OutboxRelay | undefined;

beforeAll(async () => {
  db = await createTestDatabase([COMMON_MIGRATIONS], 'bus_relay');
  tb = await createTestBus(quietLogger());
});
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});
afterAll(async () => {
  await tb.cleanup();
  await db.drop();
});

test('writeOutbox rejects an invalid payload, and the transaction stores nothing', async () => {
  const before = (await outboxRows(db.pool)).length;
  const bad = { ...eventUpdated(randomUUID(), 1), version: 12.5 };
  await expect(withTransaction(db.pool, (tx) => writeOutbox(tx, 'event.updated', bad))).rejects.toThrow(InvalidEventError);
  await expect(withTransaction(db.pool, (tx) => writeOutbox(tx, 'event.updated', bad))).rejects.toThrow(/version/);
  expect(await outboxRows(db.pool)).toHaveLength(before);
});

test('the relay publishes rows in outbox order with the event headers, and marks them sent', async () => {
  const collector = await collectEvents(tb.bus, 'EVENTS', ['event.updated']);
  const tickets = [randomUUID(), randomUUID(), randomUUID()];
  const requestId = randomUUID();
  const written: string[] = [];
  for (let v = 1; v <= 10; v++) for (const t of tickets) written.push(await writeEventUpdate(db.pool, t, v, requestId));

  relay = startOutboxRelay({ pool: db.pool, bus: tb.bus, logger: quietLogger(), batchSize: 7 });
  const events = await collector.waitForCount(written.length);
  await collector.stop();

  expect(events.map((e) => e.eventId)).toEqual(written);
  for (const e of events) {
    expect(e.headers['Nats-Msg-Id']).toBe(e.eventId);
    expect(e.headers['Event-Type']).toBe('event.updated');
    expect(new Date(e.headers['Event-Occurred-At']!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(e.headers['X-Request-Id']).toBe(requestId);
    expect(e.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  }
  for (const t of tickets) {
    expect(versionsOf(events, t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }
  await waitFor(async () => expect((await outboxRows(db.pool)).filter((r) => written.includes(r.event_id) && !r.sent_at)).toEqual([]));
});

test('a commit wakes the relay through LISTEN/NOTIFY, long before its poll interval', async () => {
  relay = startOutboxRelay({ pool: db.pool, bus: tb.bus, logger: quietLogger(), pollIntervalMs: 60_000 });
  await new Promise((r) => setTimeout(r, 300)); // let it LISTEN and go idle
  const collector = await collectEvents(tb.bus, 'EVENTS', ['event.updated'], { from: 'new' });
  const id = randomUUID();
  const started = Date.now();
  const eventId = await writeEventUpdate(db.pool, id, 1);
  const got = await collector.waitFor('event.updated', (p) => p.id === id, { timeoutMs: 5000 });
  expect(got.eventId).toBe(eventId);
  expect(Date.now() - started).toBeLessThan(2000);
  await collector.stop();
});

test('pruning deletes old sent outbox rows and old inbox rows, nothing else', async () => {
  const oldSent = await writeEventUpdate(db.pool, randomUUID(), 1);
  const recentSent = await writeEventUpdate(db.pool, randomUUID(), 1);
  const unsent = await writeEventUpdate(db.pool, randomUUID(), 1);
  await db.pool.query(`UPDATE outbox SET sent_at = now() - interval '2 days' WHERE event_id = $1`, [oldSent]);
  await db.pool.query(`UPDATE outbox SET sent_at = now() WHERE event_id = $1`, [recentSent]);
  await db.pool.query(`UPDATE outbox SET occurred_at = now() - interval '3 days' WHERE event_id = $1`, [unsent]);
  const oldInbox = randomUUID();
  const newInbox = randomUUID();
  await db.pool.query(`INSERT INTO inbox (consumer, event_id, subject, processed_at) VALUES ('t', $1, 'x', now() - interval '8 days'), ('t', $2, 'x', now())`, [oldInbox, newInbox]);

  const pruned = await pruneBusTables(db.pool, { outboxRetentionMs: 24 * 3600_000, inboxRetentionMs: 7 * 24 * 3600_000 });
  expect(pruned).toEqual({ outbox: 1, inbox: 1 });
  const ids = (await outboxRows(db.pool)).map((r) => r.event_id);
  expect(ids).not.toContain(oldSent);
  expect(ids).toEqual(expect.arrayContaining([recentSent, unsent]));
  const inbox = (await db.pool.query('SELECT event_id FROM inbox')).rows.map((r) => r.event_id);
  expect(inbox).toEqual([newInbox]);
});

test('with PostgreSQL unreachable the relay logs, backs off and stops cleanly instead of crashing', async () => {
  const { logger, records } = capturingLogger();
  const deadPool = createPool('postgres://postgres@127.0.0.1:1/nowhere', quietLogger());
  const onUnhandled = jest.fn();
  process.on('unhandledRejection', onUnhandled);
  try {
    relay = startOutboxRelay({ pool: deadPool, bus: tb.bus, logger, maxRetryDelayMs: 200 });
    await waitFor(() => records.filter((r) => r.msg.startsWith('publishing outbox events failed')).length >= 3);
    const failures = records.filter((r) => r.msg.startsWith('publishing outbox events failed'));
    expect(String(failures[0]!.err)).toMatch(/database unreachable/);
    await relay.stop();
    relay = undefined;
    expect(onUnhandled).not.toHaveBeenCalled();
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await deadPool.end();
  }
});
