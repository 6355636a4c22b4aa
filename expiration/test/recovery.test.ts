import { Redis } from 'ioredis';
import { createTestBus, collectEvents, publishTestEvent, waitFor, type EventCollector, type TestBus } from '@ticketing/common/testing';
import type { OrderCreatedEvent } from '@ticketing/common';
import type { ExpirationService } from '../src/expiration-service';
import { FLUSHABLE_REDIS_URL, sleep, uniqueQueuePrefix, withFlushableDbLock } from './support/redis';
import { percentiles, startTestService, testConfig } from './support/service';
import { countByOrder, LATENESS_BOUND_MS, orderCancelled, orderCompleted, orderCreated, publishedAt } from './support/orders';

// Redis here keeps nothing on disk and may come back empty. These tests empty it for real with FLUSHDB, on a logical
// database of their own (FLUSHABLE_REDIS_DB), never FLUSHALL and never db 0, which other test files share in parallel;
// a lock in db 0 keeps two runs of this file from flushing each other.

jest.setTimeout(180_000);

// Each test has its own bus namespace: recovery replays the whole ORDERS stream window, so orders from another test
// would be rebuilt too.
let testBus: TestBus;
let expirations: EventCollector;
let admin: Redis;
const running: ExpirationService[] = [];

beforeAll(() => {
  admin = new Redis(FLUSHABLE_REDIS_URL, { maxRetriesPerRequest: 3 });
});

beforeEach(async () => {
  testBus = await createTestBus();
  expirations = await collectEvents(testBus.bus, 'EXPIRATION', ['expiration.completed']);
});

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  await expirations?.stop();
  await testBus?.cleanup();
});

afterAll(async () => {
  await withFlushableDbLock(() => admin.flushdb());
  await admin?.quit();
});

async function startService(prefix: string): Promise<ExpirationService> {
  const service = await startTestService(testConfig({ BUS_NAMESPACE: testBus.namespace, EXPIRATION_QUEUE_PREFIX: prefix, REDIS_URL: FLUSHABLE_REDIS_URL }));
  running.push(service);
  return service;
}

async function stopService(service: ExpirationService): Promise<void> {
  running.splice(running.indexOf(service), 1);
  await service.stop();
}

const at = (ms: number) => new Date(Date.now() + ms);
const delayedCount = async (s: ExpirationService) => (await s.timers.queue.getJobCounts('delayed')).delayed;

async function publishAll(orders: OrderCreatedEvent[]): Promise<void> {
  for (let i = 0; i < orders.length; i += 100) {
    await Promise.all(orders.slice(i, i + 100).map((o) => publishTestEvent(testBus.bus, 'order.created', o)));
  }
}

/** Every order has exactly one expiration.completed in the stream (collected from the stream's start). */
function expectExactlyOnce(orders: OrderCreatedEvent[]): void {
  const counts = countByOrder(expirations.events);
  const wrong = orders.filter((o) => counts.get(o.id) !== 1).map((o) => ({ orderId: o.id, count: counts.get(o.id) ?? 0 }));
  expect(wrong).toEqual([]);
}

function latenessOf(orders: OrderCreatedEvent[]): number[] {
  return orders.map((o) => {
    const e = expirations.events.find((ev) => (ev.payload as { orderId: string }).orderId === o.id)!;
    return publishedAt(e) - Date.parse(o.expiresAt);
  });
}

describe('recovery after Redis loses its data', () => {
  it('Redis emptied while 50 holds are pending and the service restarted (two replicas): every hold expires once, none twice', () =>
    withFlushableDbLock(async () => {
      const prefix = uniqueQueuePrefix('restart');
      const first = await startService(prefix);

      // Holds that already fired before the loss: replay re-schedules them (no order.cancelled in the stream, orders
      // is not running); their re-fire must be absorbed by the deterministic event id.
      const fired = Array.from({ length: 10 }, () => orderCreated(at(300)));
      await publishAll(fired);
      await waitFor(() => fired.every((o) => countByOrder(expirations.events).get(o.id) === 1), { timeoutMs: 5000 });

      const dueWhileDown = Array.from({ length: 10 }, () => orderCreated(at(2500)));
      const dueAfter = Array.from({ length: 40 }, (_v, i) => orderCreated(at(5000 + i * 50)));
      const pending = [...dueWhileDown, ...dueAfter];
      await publishAll(pending);
      await waitFor(async () => (await delayedCount(first)) === 50, { timeoutMs: 5000, description: '50 pending timers' });

      await stopService(first);
      await admin.flushdb();
      expect(await admin.dbsize()).toBe(0);
      await sleep(Math.max(0, Date.parse(dueWhileDown[0]!.expiresAt) + 1000 - Date.now())); // some holds end while down

      // Two replicas come back at once (production runs two): both may rebuild, neither may double an expiration.
      const replicas = await Promise.all([startService(prefix), startService(prefix)]);
      const reports = replicas.map((r) => r.recovery.lastReport).filter((r) => r !== undefined);
      expect(reports.length).toBeGreaterThanOrEqual(1);
      // A later rebuild finds the holds the other replica already fired marked expired (alreadyEnded).
      for (const r of reports) expect({ rebuilt: r.scheduled + r.alreadyEnded, ended: r.ended }).toEqual({ rebuilt: 60, ended: 0 });
      const all = [...fired, ...pending];
      await waitFor(() => pending.every((o) => countByOrder(expirations.events).has(o.id)), { timeoutMs: 20_000, description: 'every pending hold to expire' });
      await sleep(1500); // room for a wrongly repeated expiration to show up
      expectExactlyOnce(all);

      const late = percentiles(latenessOf(pending));
      process.stdout.write(`after restart on an emptied Redis: lateness p50 ${late.p50} ms, p99 ${late.p99} ms, max ${late.max} ms (10 holds ended while down)\n`);
      expect(late.min).toBeGreaterThanOrEqual(0);
      expect(late.max).toBeLessThan(60_000);
      // The ones still ahead fire on time enough, not only eventually (the ones due while down are late by design).
      expect(Math.min(...latenessOf(dueAfter))).toBeGreaterThanOrEqual(0);
      expect(Math.max(...latenessOf(dueAfter))).toBeLessThan(LATENESS_BOUND_MS);
    }));

  it('Redis emptied under a running service: the missing marker is noticed within seconds and timers are rebuilt', () =>
    withFlushableDbLock(async () => {
      const prefix = uniqueQueuePrefix('live');
      const service = await startService(prefix);
      const orders = Array.from({ length: 20 }, () => orderCreated(at(4000)));
      const cancelled = orderCreated(at(4000));
      await publishAll([...orders, cancelled]);
      await publishTestEvent(testBus.bus, 'order.cancelled', orderCancelled(cancelled));
      await waitFor(async () => (await delayedCount(service)) === 20, { timeoutMs: 5000 });
      const before = service.recovery.lastReport?.finishedAt;

      await admin.flushdb();
      await waitFor(() => service.recovery.lastReport?.finishedAt !== before, { timeoutMs: 5000, description: 'a rebuild after the flush' });
      expect(await delayedCount(service)).toBe(20);
      expect(service.recovery.lastReport).toMatchObject({ scheduled: 20 });

      await waitFor(() => orders.every((o) => countByOrder(expirations.events).has(o.id)), { timeoutMs: 4000 + LATENESS_BOUND_MS });
      await sleep(1500);
      expectExactlyOnce(orders);
      expect(countByOrder(expirations.events).has(cancelled.id)).toBe(false);
      expect(Math.min(...latenessOf(orders))).toBeGreaterThanOrEqual(0);
      expect(Math.max(...latenessOf(orders))).toBeLessThan(LATENESS_BOUND_MS);
      await stopService(service);
    }));

  it('rebuilds thousands of timers in seconds, leaving out the cancelled and completed orders', () =>
    withFlushableDbLock(async () => {
      const prefix = uniqueQueuePrefix('bulk');
      const first = await startService(prefix);
      const orders = Array.from({ length: 3000 }, () => orderCreated(at(10 * 60_000)));
      await publishAll(orders);
      for (let i = 0; i < 1000; i += 100) {
        await Promise.all(
          orders.slice(i, i + 100).map((o, j) =>
            (i + j) % 2 === 0 ? publishTestEvent(testBus.bus, 'order.cancelled', orderCancelled(o)) : publishTestEvent(testBus.bus, 'order.completed', orderCompleted(o)),
          ),
        );
      }
      await waitFor(async () => (await delayedCount(first)) === 2000, { timeoutMs: 60_000, description: 'the live consumer to schedule 2000 timers' });
      await stopService(first);
      await admin.flushdb();

      const started = Date.now();
      const second = await startService(prefix);
      const startupMs = Date.now() - started;
      const report = second.recovery.lastReport!;
      process.stdout.write(`recovery of ${report.messages} order events: ${report.scheduled} timers rebuilt in ${report.durationMs} ms (service start ${startupMs} ms)\n`);
      expect(report).toMatchObject({ messages: 4000, scheduled: 2000, ended: 1000 });
      expect(report.durationMs).toBeLessThan(15_000);
      expect(await delayedCount(second)).toBe(2000);
      // The ended orders are remembered again, so a late order.created for one of them schedules nothing.
      expect(await second.timers.schedule({ orderId: orders[0]!.id, expiresAt: at(1000) })).toBe('cancelled');
      expect(await second.timers.schedule({ orderId: orders[1]!.id, expiresAt: at(1000) })).toBe('completed');
      await stopService(second);
    }));
});
