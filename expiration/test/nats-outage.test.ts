import request from 'supertest';
import { createTestBus, collectEvents, publishTestEvent, startNatsServer, waitFor, type NatsServerProcess, type TestBus } from '@ticketing/common/testing';
import { buildApp } from '../src/app';
import type { ExpirationService } from '../src/expiration-service';
import { deleteKeysWithPrefix, sleep, TEST_REDIS_URL, uniqueQueuePrefix } from './support/redis';
import { quietLogger, startTestService, testConfig } from './support/service';
import { countByOrder, orderCreated, publishedAt } from './support/orders';

// JetStream down at the moment holds end: a nats-server of this test's own (a child process on a free port, with its
// own store) is stopped and started again on the same port and store, so the shared NATS is never disturbed.

jest.setTimeout(120_000);

let nats: NatsServerProcess;
let testBus: TestBus;
let service: ExpirationService;
let prefix: string;

beforeAll(async () => {
  nats = await startNatsServer();
  testBus = await createTestBus(undefined, { url: nats.url });
  prefix = uniqueQueuePrefix('outage');
  service = await startTestService(testConfig({ BUS_NAMESPACE: testBus.namespace, EXPIRATION_QUEUE_PREFIX: prefix, NATS_URL: nats.url }), {
    retryBaseMs: 200,
    retryCapMs: 1000,
  });
});

afterAll(async () => {
  await service?.stop();
  await testBus?.cleanup();
  await nats?.cleanup();
  await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
});

describe('NATS down when holds end', () => {
  it('the jobs keep retrying while JetStream is unreachable and publish once it is back, each exactly once', async () => {
    const orders = Array.from({ length: 5 }, () => orderCreated(new Date(Date.now() + 1500)));
    for (const o of orders) await publishTestEvent(testBus.bus, 'order.created', o);
    await waitFor(async () => (await service.timers.queue.getJobCounts('delayed')).delayed === 5, { description: 'the timers' });

    await nats.stop('SIGKILL');
    // Still ready (the jobs retry until NATS is back), the outage reported in the body.
    const app = buildApp({ logger: quietLogger, health: { ...service.readiness, isAccepting: () => true } });
    const degraded = await request(app).get('/healthz/ready').expect(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.checks.nats).toMatch(/^down/);
    expect(degraded.body.checks.redis).toBe('ok');

    // Past expiresAt the attempts fail (no PubAck) and are retried with back-off.
    const job = await waitFor(
      async () => {
        const j = await service.timers.queue.getJob(orders[0]!.id);
        return j && j.attemptsMade >= 2 ? j : false;
      },
      { timeoutMs: 30_000, description: 'failed attempts while NATS is down' },
    );
    expect(job.failedReason).toBeTruthy();
    expect(await service.timers.endOf(orders[0]!.id)).toBeNull();
    await sleep(1000);

    const restartedAt = Date.now();
    await nats.start();
    await waitFor(() => testBus.bus.isConnected(), { timeoutMs: 15_000, description: "the test's own connection to come back" });
    const expirations = await collectEvents(testBus.bus, 'EXPIRATION', ['expiration.completed']);
    try {
      await waitFor(() => orders.every((o) => countByOrder(expirations.events).has(o.id)), { timeoutMs: 30_000, description: 'every expiration after NATS returned' });
      const firstAfterRestart = Math.min(...expirations.events.map(publishedAt)) - restartedAt;
      process.stdout.write(`NATS outage: first expiration published ${firstAfterRestart} ms after nats-server restarted\n`);
      await sleep(2000); // room for a repeated publish to show up
      const counts = countByOrder(expirations.events);
      expect(orders.map((o) => counts.get(o.id))).toEqual(orders.map(() => 1));
      for (const o of orders) expect(publishedAt(expirations.events.find((e) => (e.payload as { orderId: string }).orderId === o.id)!)).toBeGreaterThanOrEqual(restartedAt);
      await waitFor(async () => (await request(app).get('/healthz/ready')).body.status === 'ok', { timeoutMs: 10_000, description: 'nats ok again' });
    } finally {
      await expirations.stop();
    }
  });
});
