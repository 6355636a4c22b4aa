import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  createTestBus,
  collectEvents,
  freePort,
  publishTestEvent,
  startServiceProcess,
  waitFor,
  waitUntilReady,
  TEST_NATS_URL,
  type EventCollector,
  type ServiceProcess,
  type TestBus,
} from '@ticketing/common/testing';
import type { OrderCreatedEvent } from '@ticketing/common';
import { deleteKeysWithPrefix, sleep, TEST_REDIS_URL, uniqueQueuePrefix } from './support/redis';
import { countByOrder, orderCreated, publishedAt } from './support/orders';
import { percentiles } from './support/service';

// The real entry point in child processes: one is SIGKILLed while a burst of holds is being published (jobs active,
// events perhaps stored but not yet acknowledged to BullMQ), the next must finish the burst without doubling any.

jest.setTimeout(180_000);

let testBus: TestBus;
let expirations: EventCollector;
let prefix: string;
let redis: Redis;
let queue: Queue;
const children: ServiceProcess[] = [];

beforeAll(async () => {
  testBus = await createTestBus();
  expirations = await collectEvents(testBus.bus, 'EXPIRATION', ['expiration.completed']);
  prefix = uniqueQueuePrefix('kill');
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 3 });
  queue = new Queue('order-holds', { connection: redis, prefix });
});

afterAll(async () => {
  for (const c of children) await c.stop('SIGKILL');
  await expirations?.stop();
  await queue?.close();
  await redis?.quit();
  await testBus?.cleanup();
  await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
});

/** The real entry point (src/index.ts: config, HTTP, signals) in a child process that the test can SIGKILL. */
async function start(): Promise<ServiceProcess> {
  const port = await freePort();
  const child = startServiceProcess('expiration/src/index.ts', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    NATS_URL: TEST_NATS_URL,
    REDIS_URL: TEST_REDIS_URL,
    BUS_NAMESPACE: testBus.namespace,
    EXPIRATION_QUEUE_PREFIX: prefix,
    EXPIRATION_STATE_CHECK_SECONDS: '1',
    PORT: String(port),
  });
  children.push(child);
  await waitUntilReady(child, `http://127.0.0.1:${port}/healthz/ready`);
  return child;
}

describe('expiration process killed', () => {
  it('SIGKILL in the middle of a burst of expirations: the next process finishes it, every order expired exactly once', async () => {
    const first = await start();
    const expiresAt = new Date(Date.now() + 3000);
    const orders: OrderCreatedEvent[] = Array.from({ length: 150 }, () => orderCreated(expiresAt));
    for (let i = 0; i < orders.length; i += 50) await Promise.all(orders.slice(i, i + 50).map((o) => publishTestEvent(testBus.bus, 'order.created', o)));
    await waitFor(async () => (await queue.getJobCounts('delayed')).delayed === orders.length, { timeoutMs: 10_000, description: 'the timers' });

    // Kill as soon as the first expiration of the burst reaches the stream: the rest are being published right now.
    await waitFor(() => expirations.events.length > 0, { timeoutMs: 10_000, intervalMs: 1, description: 'the burst to start' });
    const exit = await first.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    const atKill = await queue.getJobCounts('active', 'delayed', 'wait');
    await sleep(300); // let the collector catch up with what reached the stream before the kill
    const publishedBeforeKill = countByOrder(expirations.events).size;

    const second = await start();
    await waitFor(() => orders.every((o) => countByOrder(expirations.events).has(o.id)), { timeoutMs: 60_000, description: 'every expiration after the restart' });
    // Jobs that were active in the killed process are retried once their lock expires (≤ 15 s): wait for them too,
    // since their re-run is exactly what could double an expiration.
    await waitFor(async () => Object.values(await queue.getJobCounts('active', 'wait', 'delayed')).every((n) => n === 0), {
      timeoutMs: 40_000,
      description: 'the stalled jobs to be retried and completed',
    });
    await sleep(1000); // room for a doubled expiration to show up
    const counts = countByOrder(expirations.events);
    expect(orders.filter((o) => counts.get(o.id) !== 1)).toEqual([]);

    const lateness = percentiles(orders.map((o) => publishedAt(expirations.events.find((e) => (e.payload as { orderId: string }).orderId === o.id)!) - expiresAt.getTime()));
    process.stdout.write(
      `SIGKILL at the first expiration seen: ${publishedBeforeKill}/${orders.length} published before the kill, jobs at kill ${JSON.stringify(atKill)}; ` +
        `holds fired by the new process ${(second.output().match(/"msg":"hold expired"/g) ?? []).length}; ` +
        `lateness of the first publish p50 ${lateness.p50} ms, p99 ${lateness.p99} ms, max ${lateness.max} ms\n`,
    );
    expect(lateness.min).toBeGreaterThanOrEqual(0);
    expect(lateness.max).toBeLessThan(60_000);

    // A graceful stop of the survivor: exit code 0 once the worker, consumer, bus and Redis are closed.
    const stopped = await second.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(second.output()).toContain('"msg":"stopped"');
  });
});
