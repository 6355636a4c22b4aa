import request from 'supertest';
import type { OrderCreatedEvent } from '@ticketing/common';
import { createTestBus, collectEvents, publishTestEvent, waitFor, type EventCollector, type TestBus } from '@ticketing/common/testing';
import { buildApp } from '../src/app';
import { expirationEventId } from '../src/queue/expiration-event-id';
import type { ExpirationService } from '../src/expiration-service';
import { deleteKeysWithPrefix, sleep, TEST_REDIS_URL, uniqueQueuePrefix } from './support/redis';
import { percentiles, quietLogger, startTestService, testConfig } from './support/service';
import { countByOrder, LATENESS_BOUND_MS, orderCancelled, orderCompleted, orderCreated, publishedAt } from './support/orders';

// The whole service against the shared NATS and Redis (db 0): its own bus namespace and BullMQ prefix.

let testBus: TestBus;
let prefix: string;
let service: ExpirationService;
let expirations: EventCollector;

beforeAll(async () => {
  testBus = await createTestBus();
  prefix = uniqueQueuePrefix('svc');
  service = await startTestService(testConfig({ BUS_NAMESPACE: testBus.namespace, EXPIRATION_QUEUE_PREFIX: prefix }));
  expirations = await collectEvents(testBus.bus, 'EXPIRATION', ['expiration.completed']);
});

afterAll(async () => {
  await expirations?.stop();
  await service?.stop();
  await testBus?.cleanup();
  await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
});

const inMs = (ms: number) => new Date(Date.now() + ms);
const expirationsOf = (orderId: string) => expirations.events.filter((e) => (e.payload as { orderId: string }).orderId === orderId);

describe('expiration service', () => {
  it('ends 200 holds of 2 s: each exactly once, never before its expiresAt, none stuck (published within 10 s)', async () => {
    const HOLDS = 200;
    const HOLD_MS = 2000;
    const orders: OrderCreatedEvent[] = [];
    for (let i = 0; i < HOLDS; i++) {
      const order = orderCreated(inMs(HOLD_MS));
      await publishTestEvent(testBus.bus, 'order.created', order);
      orders.push(order);
    }
    const lastExpiresAt = Math.max(...orders.map((o) => Date.parse(o.expiresAt)));
    await waitFor(() => orders.every((o) => expirationsOf(o.id).length >= 1), {
      timeoutMs: lastExpiresAt + LATENESS_BOUND_MS - Date.now(),
      intervalMs: 10,
      description: `${HOLDS} expirations`,
    });
    await sleep(1000); // room for a wrongly repeated expiration to show up
    expect(orders.filter((o) => expirationsOf(o.id).length !== 1)).toEqual([]);

    const lateness = orders.map((o) => publishedAt(expirationsOf(o.id)[0]!) - Date.parse(o.expiresAt));
    const stats = percentiles(lateness);
    quietLogger.info({ stats }, 'lateness of expiration.completed after expiresAt (ms)');
    process.stdout.write(`expiration lateness over ${stats.n} holds of ${HOLD_MS} ms: p50 ${stats.p50} ms, p99 ${stats.p99} ms, max ${stats.max} ms, min ${stats.min} ms\n`);
    expect(stats.min).toBeGreaterThanOrEqual(0); // a hold never ends before its expiresAt
    // On time enough: the target (about 0.5 s, measured in bench/) is not asserted here, where other suites share
    // the two cores; a timer lost or stuck until some retry still fails this.
    expect(stats.max).toBeLessThan(LATENESS_BOUND_MS);
    for (const o of orders) expect(expirationsOf(o.id)[0]!.eventId).toBe(expirationEventId(o.id));
  });

  it('never fires for a cancelled or a completed order, including a cancellation that arrives before its order.created', async () => {
    const cancelled = orderCreated(inMs(1000));
    const completed = orderCreated(inMs(1000));
    const cancelledFirst = orderCreated(inMs(1000));
    const control = orderCreated(inMs(1000));
    await publishTestEvent(testBus.bus, 'order.created', cancelled);
    await publishTestEvent(testBus.bus, 'order.created', completed);
    await publishTestEvent(testBus.bus, 'order.created', control);
    await publishTestEvent(testBus.bus, 'order.cancelled', orderCancelled(cancelled));
    await publishTestEvent(testBus.bus, 'order.completed', orderCompleted(completed));
    await publishTestEvent(testBus.bus, 'order.cancelled', orderCancelled(cancelledFirst));
    await publishTestEvent(testBus.bus, 'order.created', cancelledFirst);

    await expirations.waitFor('expiration.completed', (p) => p.orderId === control.id, { timeoutMs: LATENESS_BOUND_MS });
    await sleep(1500); // well past the others' expiresAt
    expect(expirationsOf(cancelled.id)).toHaveLength(0);
    expect(expirationsOf(completed.id)).toHaveLength(0);
    expect(expirationsOf(cancelledFirst.id)).toHaveLength(0);
    expect(await service.timers.queue.getJob(cancelled.id)).toBeUndefined();
  });

  it('a duplicate order.created (before and after the hold fired) schedules one job and fires once', async () => {
    const order = orderCreated(inMs(1200));
    // Two distinct messages (two event ids), so JetStream stores both and the service really receives both.
    await publishTestEvent(testBus.bus, 'order.created', order);
    await publishTestEvent(testBus.bus, 'order.created', order);
    await waitFor(async () => (await service.timers.queue.getJob(order.id)) !== undefined);
    await sleep(200);
    expect((await service.timers.queue.getJobs(['delayed'])).filter((j) => j.id === order.id)).toHaveLength(1);

    await expirations.waitFor('expiration.completed', (p) => p.orderId === order.id, { timeoutMs: LATENESS_BOUND_MS });
    await publishTestEvent(testBus.bus, 'order.created', order); // a late redelivery after the hold ended
    await sleep(1500);
    expect(expirationsOf(order.id)).toHaveLength(1);
    expect(countByOrder(expirations.events).get(order.id)).toBe(1);
  });

  it('reports ready while Redis answers, NATS reported beside it; live always', async () => {
    let accepting = true;
    const app = buildApp({ logger: quietLogger, health: { ...service.readiness, isAccepting: () => accepting } });
    await request(app).get('/healthz/live').expect(200, { status: 'ok' });
    const ready = await request(app).get('/healthz/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { redis: 'ok', nats: 'ok' } });
    await request(app).get('/anything').expect(404);
    accepting = false;
    await request(app).get('/healthz/ready').expect(503);
  });
});
