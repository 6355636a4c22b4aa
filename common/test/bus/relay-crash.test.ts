import { spawn } from 'node:child_process';
import path from 'node:path';
import { nanos } from '@nats-io/transport-node';
import { COMMON_MIGRATIONS, ensureStreams, type Consumer } from '@ticketing/common';
import { collectEvents, createTestBus, createTestDatabase, waitFor, type TestBus, type TestDatabase } from '@ticketing/common/testing';
import { outboxRows, quietLogger, startTestConsumer, writeEventUpdate } from './helpers';

// The relay dies (SIGKILL) after JetStream stored an event and before the outbox row was marked sent.
let db: TestDatabase;
let tb: TestBus;
let consumer: Consumer | undefined;

jest.setTimeout(60_000);

beforeAll(async () => {
  db = await createTestDatabase([COMMON_MIGRATIONS], 'bus_crash');
  tb = await createTestBus(quietLogger());
  await ensureStreams(tb.bus, ['EVENTS']);
});
afterAll(async () => {
  await consumer?.stop();
  await tb.cleanup();
  await db.drop();
});

interface RelayRun {
  published: string[][];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): void;
}

function runRelay(crash: boolean): RelayRun {
  const root = path.resolve(__dirname, '../../..');
  // node --import tsx (not the tsx CLI, which would wrap the process and hide the SIGKILL).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/relay-process.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url, NATS_URL: tb.url, BUS_NAMESPACE: tb.namespace, CRASH_AFTER_PUBLISH: crash ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const published: string[][] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) published.push((JSON.parse(line) as { published: string[] }).published);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { published, exit, stop: () => child.kill('SIGTERM') };
}

test('an event published just before the relay was killed is published again, stored once, applied once', async () => {
  const applied: string[] = [];
  consumer = await startTestConsumer({ bus: tb.bus, pool: db.pool }, { handlers: { 'event.updated': async (_p, ctx) => void applied.push(ctx.eventId) } });
  const eventId = await writeEventUpdate(db.pool, '6a4c9b52-8a3e-4b8e-9d55-0d4f1a2b3c4d', 1);

  const first = runRelay(true);
  expect((await first.exit).signal).toBe('SIGKILL');
  expect(first.published).toEqual([[eventId]]); // the stream acknowledged it...
  expect((await outboxRows(db.pool)).map((r) => [r.event_id, r.sent_at])).toEqual([[eventId, null]]); // ...the row never knew
  await waitFor(() => expect(applied).toEqual([eventId]));

  const second = runRelay(false);
  await waitFor(async () => expect((await outboxRows(db.pool))[0]!.sent_at).not.toBeNull(), { timeoutMs: 20_000 });
  expect(second.published).toEqual([[eventId]]); // published again after the restart
  second.stop();
  expect((await second.exit).code).toBe(0);

  expect((await tb.bus.jsm.streams.info(tb.bus.streamName('EVENTS'))).state.messages).toBe(1); // deduplicated
  const collector = await collectEvents(tb.bus, 'EVENTS');
  await collector.waitForCount(1);
  await collector.stop();
  expect(collector.events.map((e) => e.eventId)).toEqual([eventId]);
  await new Promise((r) => setTimeout(r, 300));
  expect(applied).toEqual([eventId]);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [eventId])).rows[0].n).toBe(1);
});

test('restarted after the duplicate window, the relay stores the event a second time and the inbox still applies it once', async () => {
  const applied: string[] = [];
  await consumer?.stop();
  consumer = await startTestConsumer({ bus: tb.bus, pool: db.pool }, {
    service: 'svc2',
    handlers: { 'event.updated': async (_p, ctx) => void applied.push(ctx.eventId) },
  });
  const stream = tb.bus.streamName('EVENTS');
  const before = (await tb.bus.jsm.streams.info(stream)).state.messages;
  const eventId = await writeEventUpdate(db.pool, '0b7d2c1e-3f4a-4c5b-8d6e-7f8091a2b3c4', 1);

  const first = runRelay(true);
  expect((await first.exit).signal).toBe('SIGKILL');
  await waitFor(() => expect(applied).toContain(eventId));
  await tb.bus.jsm.streams.update(stream, { duplicate_window: nanos(100) }); // as if the relay stayed down > 2 min
  await new Promise((r) => setTimeout(r, 250));

  const second = runRelay(false);
  await waitFor(async () => expect((await outboxRows(db.pool)).find((r) => r.event_id === eventId)!.sent_at).not.toBeNull(), { timeoutMs: 20_000 });
  second.stop();
  await second.exit;

  await waitFor(async () => expect((await tb.bus.jsm.consumers.info(stream, 'svc2')).delivered.stream_seq).toBe(before + 2));
  await waitFor(async () => expect((await tb.bus.jsm.consumers.info(stream, 'svc2')).num_ack_pending).toBe(0));
  expect((await tb.bus.jsm.streams.info(stream)).state.messages).toBe(before + 2); // stored twice
  expect(applied.filter((id) => id === eventId)).toHaveLength(1); // applied once
});
