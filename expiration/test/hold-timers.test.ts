import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import { createLogger } from '@ticketing/common';
import { HoldTimers } from '../src/queue/hold-timers';
import { startExpirationWorker, type HoldOutcome } from '../src/queue/expiration-worker';
import { expirationEventId } from '../src/queue/expiration-event-id';
import type { HoldJobData } from '../src/queue/hold-timers';
import { waitFor } from '@ticketing/common/testing';
import { deleteKeysWithPrefix, sleep, TEST_REDIS_URL, uniqueQueuePrefix } from './support/redis';
import { LATENESS_BOUND_MS } from './support/orders';

// BullMQ and Redis only: the worker publishes through a recording function instead of NATS, so these tests pin down
// scheduling, deduplication, cancellation and retries without the bus (expiration-service.test.ts covers the bus).

const logger = createLogger('expiration-test', 'silent');
const QUEUE = 'order-holds';

interface Harness {
  prefix: string;
  timers: HoldTimers;
  worker: Worker<HoldJobData, HoldOutcome>;
  /** Every publish attempt, failed or not. */
  attempts: Array<{ orderId: string; eventId: string; at: number }>;
  published: Array<{ orderId: string; eventId: string; at: number }>;
  /** Makes the next n publish attempts fail, as if NATS were down. */
  failNext: (n: number) => void;
}

const harnesses: Array<{ h: Harness; redis: Redis; workerRedis: Redis }> = [];

async function start(label: string): Promise<Harness> {
  const prefix = uniqueQueuePrefix(label);
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 3 });
  const workerRedis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const timers = new HoldTimers({ redis, prefix, queueName: QUEUE, doneTtlSeconds: 600, logger });
  const attempts: Harness['attempts'] = [];
  const published: Harness['published'] = [];
  let failures = 0;
  const worker = startExpirationWorker({
    connection: workerRedis,
    timers,
    prefix,
    queueName: QUEUE,
    concurrency: 20,
    logger,
    retryBaseMs: 50,
    retryCapMs: 200,
    publish: async (orderId, eventId) => {
      attempts.push({ orderId, eventId, at: Date.now() });
      if (failures > 0) {
        failures--;
        throw new Error('NATS unavailable (simulated)');
      }
      published.push({ orderId, eventId, at: Date.now() });
    },
  });
  await worker.waitUntilReady();
  const h: Harness = { prefix, timers, worker, attempts, published, failNext: (n) => (failures = n) };
  harnesses.push({ h, redis, workerRedis });
  return h;
}

afterEach(async () => {
  for (const { h, redis, workerRedis } of harnesses.splice(0)) {
    await h.worker.close();
    await h.timers.close();
    await Promise.all([redis.quit(), workerRedis.quit()]);
    await deleteKeysWithPrefix(TEST_REDIS_URL, h.prefix);
  }
});

const inMs = (ms: number) => new Date(Date.now() + ms);
const countFor = (list: Array<{ orderId: string }>, orderId: string) => list.filter((p) => p.orderId === orderId).length;

describe('hold timers (BullMQ)', () => {
  it('fires a hold at its expiresAt, not before, with the event id derived from the order id', async () => {
    const h = await start('fires');
    const orderId = randomUUID();
    const expiresAt = inMs(400);
    expect(await h.timers.schedule({ orderId, expiresAt })).toBe('scheduled');
    const fired = await waitFor(() => h.published[0] ?? false, { timeoutMs: 400 + LATENESS_BOUND_MS, description: 'the hold to fire' });
    expect(fired.orderId).toBe(orderId);
    expect(fired.eventId).toBe(expirationEventId(orderId));
    expect(fired.at).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect(fired.at - expiresAt.getTime()).toBeLessThan(LATENESS_BOUND_MS); // on time enough; bench/ measures how close
    await waitFor(async () => (await h.timers.endOf(orderId)) === 'expired', { timeoutMs: 2000, description: 'the expired marker' });
  });

  it('a duplicate order.created keeps one job and fires once, even when the duplicate comes after firing', async () => {
    const h = await start('dup');
    const orderId = randomUUID();
    const expiresAt = inMs(500);
    const outcomes = await Promise.all([1, 2, 3].map(() => h.timers.schedule({ orderId, expiresAt })));
    expect(outcomes).toEqual(['scheduled', 'scheduled', 'scheduled']);
    expect((await h.timers.queue.getJobCounts('delayed')).delayed).toBe(1);

    await waitFor(() => h.published.length === 1, { timeoutMs: LATENESS_BOUND_MS, description: 'the hold to fire' });
    await waitFor(async () => (await h.timers.endOf(orderId)) === 'expired', { timeoutMs: 2000, description: 'the expired marker' });
    // The completed job is removed (removeOnComplete); the marker is what stops a late duplicate.
    expect(await h.timers.schedule({ orderId, expiresAt })).toBe('expired');
    const counts = await h.timers.queue.getJobCounts('delayed', 'wait', 'active');
    expect(counts).toEqual({ delayed: 0, wait: 0, active: 0 });
    await sleep(700);
    expect(countFor(h.attempts, orderId)).toBe(1);
  });

  it('a cancelled or completed order never fires, whichever of its events comes first', async () => {
    const h = await start('ended');
    const cancelled = randomUUID();
    const completed = randomUUID();
    const cancelledFirst = randomUUID(); // order.cancelled handled before its (redelivered) order.created
    const control = randomUUID();
    for (const orderId of [cancelled, completed, control]) await h.timers.schedule({ orderId, expiresAt: inMs(600) });
    await h.timers.end(cancelled, 'cancelled');
    await h.timers.end(completed, 'completed');
    await h.timers.end(cancelledFirst, 'cancelled');
    expect(await h.timers.schedule({ orderId: cancelledFirst, expiresAt: inMs(600) })).toBe('cancelled');

    await waitFor(() => h.published.length === 1, { timeoutMs: LATENESS_BOUND_MS, description: 'the control hold to fire' });
    await sleep(800);
    expect(h.attempts.map((a) => a.orderId)).toEqual([control]);
    expect(await h.timers.endOf(cancelled)).toBe('cancelled');
    expect(await h.timers.endOf(completed)).toBe('completed');
  });

  it('a job that fires after its order ended (removal lost the race) publishes nothing', async () => {
    const h = await start('race-guard');
    const orderId = randomUUID();
    await h.timers.schedule({ orderId, expiresAt: inMs(300) });
    // As if order.cancelled were handled while the job was active: the marker is set but the job stays.
    await h.timers.markEnded(orderId, 'cancelled');
    await waitFor(async () => (await h.timers.queue.getJobCounts('delayed')).delayed === 0, { timeoutMs: LATENESS_BOUND_MS, description: 'the job to run' });
    await sleep(300);
    expect(h.attempts).toEqual([]);
  });

  it('scheduling and ending the same orders concurrently never fires an ended order', async () => {
    const h = await start('concurrent');
    const orderIds = Array.from({ length: 40 }, () => randomUUID());
    const expiresAt = inMs(700);
    await Promise.all(
      orderIds.map((orderId, i) =>
        i % 2 === 0
          ? Promise.all([h.timers.schedule({ orderId, expiresAt }), h.timers.end(orderId, 'cancelled')])
          : Promise.all([h.timers.end(orderId, 'completed'), h.timers.schedule({ orderId, expiresAt })]),
      ),
    );
    await sleep(1500);
    expect(h.attempts).toEqual([]);
    expect((await h.timers.queue.getJobCounts('delayed', 'wait', 'active'))).toEqual({ delayed: 0, wait: 0, active: 0 });
  });

  it('a failed publish fails the attempt and is retried with back-off, with the same event id, until it succeeds', async () => {
    const h = await start('retry');
    const orderId = randomUUID();
    h.failNext(4);
    await h.timers.schedule({ orderId, expiresAt: inMs(200) });
    await waitFor(() => h.published.length === 1, { timeoutMs: 5000, description: 'the publish to succeed' });
    expect(h.attempts).toHaveLength(5);
    expect(new Set(h.attempts.map((a) => a.eventId))).toEqual(new Set([expirationEventId(orderId)]));
    // Back-off between attempts grows (50 ms base, capped at 200 ms, ±20 % jitter).
    const gaps = h.attempts.slice(1).map((a, i) => a.at - h.attempts[i]!.at);
    expect(gaps.every((g) => g >= 35)).toBe(true);
    expect(await h.timers.endOf(orderId)).toBe('expired');
  });

  it('scheduleMany skips ended orders and fires due ones at once', async () => {
    const h = await start('bulk');
    const due = Array.from({ length: 30 }, () => ({ orderId: randomUUID(), expiresAt: new Date(Date.now() - 60_000) }));
    const ended = due.slice(0, 10);
    await h.timers.markManyEnded(ended.map((e) => ({ orderId: e.orderId, reason: 'cancelled' as const })));
    const report = await h.timers.scheduleMany(due, 7);
    expect(report).toEqual({ scheduled: 20, alreadyEnded: 10 });
    await waitFor(() => h.published.length === 20, { timeoutMs: LATENESS_BOUND_MS, description: '20 due holds to fire' });
    expect(new Set(h.published.map((p) => p.orderId))).toEqual(new Set(due.slice(10).map((d) => d.orderId)));
  });
});

describe('expirationEventId', () => {
  it('is a stable RFC 9562 version-5 UUID per order and differs between orders', () => {
    const a = randomUUID();
    expect(expirationEventId(a)).toBe(expirationEventId(a));
    expect(expirationEventId(a)).toBe(expirationEventId(a.toUpperCase()));
    expect(expirationEventId(a)).not.toBe(expirationEventId(randomUUID()));
    expect(expirationEventId(a)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
