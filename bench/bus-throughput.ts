/**
 * Event bus throughput and latency on this machine, against the real PostgreSQL and NATS (own database and namespace,
 * removed afterwards).
 *
 *   npx tsx bench/bus-throughput.ts [backlog=20000] [rate=500] [seconds=10]
 *
 * 1. Relay publish rate: `backlog` outbox rows already committed, then the relay starts; events/s until all are sent.
 * 2. End-to-end latency: events committed at `rate`/s for `seconds` while the relay and a transactional consumer run;
 *    latency = handler start − the writer's COMMIT returning. Reports p50/p90/p99/max.
 */
import { randomUUID } from 'node:crypto';
import {
  COMMON_MIGRATIONS,
  createLogger,
  createPool,
  ensureStreams,
  startConsumer,
  startOutboxRelay,
  withTransaction,
  writeOutbox,
  type EventPayload,
} from '../common/src/index';
import { DeliverPolicy } from '@nats-io/jetstream';
import { createTestBus, createTestDatabase, waitFor } from '../common/src/testing/index';

const [backlog = 20_000, rate = 500, seconds = 10] = process.argv.slice(2).map(Number);
const logger = createLogger('bench', process.env.LOG_LEVEL ?? 'warn');
const userId = randomUUID();
const eventId = randomUUID();
const listingIds = Array.from({ length: 200 }, () => randomUUID());
const seats = new Map(listingIds.map((id) => [id, Array.from({ length: 4 }, (_v, i) => ({ id: randomUUID(), seat: String(i + 1), status: 'available' as const }))]));
const versions = new Map<string, number>();

/** A listing.changed snapshot of one of 200 four-seat listings, its next version (the typical event's size). */
function nextEvent(): EventPayload<'listing.changed'> {
  const id = listingIds[Math.floor(Math.random() * listingIds.length)]!;
  const version = (versions.get(id) ?? 0) + 1;
  versions.set(id, version);
  const tickets = seats.get(id)!;
  return {
    id,
    eventId,
    sellerId: userId,
    version,
    status: 'active',
    section: 'Block 512',
    row: 'F',
    priceCents: 1000,
    faceValueCents: 1000,
    split: 'any',
    delivery: 'later',
    available: tickets.length,
    tickets,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const db = await createTestDatabase([COMMON_MIGRATIONS], 'bench_bus');
  const tb = await createTestBus(logger);
  try {
    await ensureStreams(tb.bus, ['LISTINGS']);

    // 1. Relay publish rate over a committed backlog.
    for (let i = 0; i < backlog; i += 500) {
      await withTransaction(db.pool, async (tx) => {
        for (let j = i; j < Math.min(backlog, i + 500); j++) await writeOutbox(tx, 'listing.changed', nextEvent());
      });
    }
    // As in production the writer (API), the relay and the consumer (another service) do not share a pool.
    const relayPool = createPool(db.url, logger, { max: 4 });
    const consumerPool = createPool(db.url, logger, { max: 20 });
    const started = performance.now();
    const relay = startOutboxRelay({ pool: relayPool, bus: tb.bus, logger });
    await waitFor(async () => (await db.pool.query('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL')).rows[0].n === 0, {
      timeoutMs: 600_000,
      intervalMs: 50,
    });
    const secondsTaken = (performance.now() - started) / 1000;
    console.log(`relay: ${backlog} events in ${secondsTaken.toFixed(2)} s = ${Math.round(backlog / secondsTaken)} events/s`);

    // 2. Commit → consumer latency at a steady rate.
    const committedAt = new Map<string, number>();
    const handledAt = new Map<string, number>();
    const consumer = await startConsumer({
      bus: tb.bus,
      logger,
      service: 'bench',
      stream: 'LISTINGS',
      pool: consumerPool,
      handlers: {
        'listing.changed': async (_p, ctx) => {
          handledAt.set(ctx.eventId, performance.now());
        },
      },
    });
    // Let the consumer catch up with the backlog first, so only the steady phase is measured.
    await waitFor(async () => (await db.pool.query('SELECT count(*)::int AS n FROM inbox')).rows[0].n >= backlog, { timeoutMs: 600_000, intervalMs: 100 });
    const caughtUp = (performance.now() - started) / 1000;
    console.log(`consumer (transactional, inbox): backlog applied ${Math.round(backlog / caughtUp)} events/s (relay and consumer concurrently)`);

    // When each event reached the stream (an ordered consumer sees it there), to split relay lag from consumer lag.
    const inStreamAt = new Map<string, number>();
    const watcher = await tb.bus.js.consumers.get(tb.bus.streamName('LISTINGS'), { deliver_policy: DeliverPolicy.New });
    const watched = await watcher.consume();
    void (async () => {
      for await (const m of watched) inStreamAt.set(m.headers?.get('Nats-Msg-Id') ?? '', performance.now());
    })();

    const total = rate * seconds;
    const intervalMs = 1000 / rate;
    const t0 = performance.now();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const eventId = randomUUID();
      const payload = nextEvent();
      writes.push(
        withTransaction(db.pool, (tx) => writeOutbox(tx, 'listing.changed', payload, { eventId })).then(() => {
          committedAt.set(eventId, performance.now());
        }),
      );
    }
    await Promise.all(writes);
    await waitFor(() => [...committedAt.keys()].every((id) => handledAt.has(id)), { timeoutMs: 120_000, intervalMs: 100 });
    const latencies = [...committedAt].map(([id, at]) => handledAt.get(id)! - at).sort((a, b) => a - b);
    const relayLag = [...committedAt].map(([id, at]) => (inStreamAt.get(id) ?? NaN) - at).sort((a, b) => a - b);
    watched.stop();
    console.log(`  of which commit → in stream (relay): p50 ${percentile(relayLag, 50).toFixed(1)} ms, p99 ${percentile(relayLag, 99).toFixed(1)} ms`);
    const fmt = (p: number) => `${percentile(latencies, p).toFixed(1)} ms`;
    console.log(
      `latency commit → handler at ${rate} events/s for ${seconds} s (${latencies.length} events): ` +
        `p50 ${fmt(50)}, p90 ${fmt(90)}, p99 ${fmt(99)}, max ${latencies[latencies.length - 1]!.toFixed(1)} ms`,
    );

    await consumer.stop();
    await relay.stop();
    await Promise.all([relayPool.end(), consumerPool.end()]);
  } finally {
    await tb.cleanup();
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
