import { randomUUID } from 'node:crypto';
import { ensureStreams, publishEvent } from '@ticketing/common';
import { collectEvents, createTestBus, publishTestEvent, waitFor, type EventCollector, type TestBus } from '@ticketing/common/testing';
import type { ExpirationService } from '../src/expiration-service';
import { replayOrderEvents } from '../src/recovery/replay-order-events';
import { deleteKeysWithPrefix, sleep, TEST_REDIS_URL, uniqueQueuePrefix } from './support/redis';
import { quietLogger, startTestService, testConfig } from './support/service';
import { countByOrder, LATENESS_BOUND_MS, orderCancelled, orderCompleted, orderCreated, publishedAt, publishRawEvent } from './support/orders';

// A deployment upgrades while the ORDERS stream still holds messages of the previous version (one `ticket` per
// order): the live consumer and the replay that rebuilds timers both read them through the contract's upcast.

let testBus: TestBus;

beforeAll(async () => {
  testBus = await createTestBus();
  await ensureStreams(testBus.bus, ['ORDERS', 'EXPIRATION']);
});
afterAll(async () => {
  await testBus?.cleanup();
});

const at = (ms: number) => new Date(Date.now() + ms);

/** order.created as orders published it before listings of several tickets. */
function orderCreatedV1(expiresAt: Date) {
  return { id: randomUUID(), version: 0, status: 'created', userId: randomUUID(), expiresAt: expiresAt.toISOString(), ticket: { id: randomUUID(), priceCents: 2500 } };
}

test('the replay folds v1 and v2 order events alike, and skips a message that breaks the contract', async () => {
  const since = new Date(Date.now() - 1000);
  const openV2 = orderCreated(at(60_000));
  const cancelledV2 = orderCreated(at(60_000));
  const openV1 = orderCreatedV1(at(60_000));
  const completedV1 = orderCreatedV1(at(60_000));
  const cancelledV1ByV2 = orderCreatedV1(at(60_000));

  await publishTestEvent(testBus.bus, 'order.created', openV2);
  await publishTestEvent(testBus.bus, 'order.created', cancelledV2);
  await publishTestEvent(testBus.bus, 'order.cancelled', orderCancelled(cancelledV2));
  await publishRawEvent(testBus.bus, 'order.created', openV1);
  await publishRawEvent(testBus.bus, 'order.created', completedV1);
  await publishRawEvent(testBus.bus, 'order.completed', { id: completedV1.id, version: 1, ticket: { id: completedV1.ticket.id }, paymentId: randomUUID() });
  // An order created before the upgrade and cancelled after it: v1 created, v2 cancelled.
  await publishRawEvent(testBus.bus, 'order.created', cancelledV1ByV2);
  await publishEvent(testBus.bus, 'order.cancelled', { id: cancelledV1ByV2.id, version: 1, listingId: cancelledV1ByV2.ticket.id, ticketIds: [cancelledV1ByV2.ticket.id], reason: 'expired' }, { eventId: randomUUID() });
  await publishRawEvent(testBus.bus, 'order.created', { id: randomUUID(), version: 0, ticket: 'not an order' });

  const replay = await replayOrderEvents(testBus.bus, since, quietLogger);
  expect(replay.messages).toBe(9);
  expect(replay.open.map((h) => h.orderId).sort()).toEqual([openV2.id, openV1.id].sort());
  expect(replay.open.find((h) => h.orderId === openV1.id)!.expiresAt).toEqual(new Date(openV1.expiresAt));
  expect(new Map(replay.ended.map((e) => [e.orderId, e.reason]))).toEqual(
    new Map([
      [cancelledV2.id, 'cancelled'],
      [completedV1.id, 'completed'],
      [cancelledV1ByV2.id, 'cancelled'],
    ]),
  );
});

describe('the live consumer', () => {
  let prefix: string;
  let service: ExpirationService;
  let expirations: EventCollector;

  beforeAll(async () => {
    prefix = uniqueQueuePrefix('versions');
    service = await startTestService(testConfig({ BUS_NAMESPACE: testBus.namespace, EXPIRATION_QUEUE_PREFIX: prefix }));
    expirations = await collectEvents(testBus.bus, 'EXPIRATION', ['expiration.completed']);
  });
  afterAll(async () => {
    await expirations?.stop();
    await service?.stop();
    await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
  });

  test('a v1 order.created still in the stream gets its timer and expires once; a v1 completion stops another', async () => {
    const expiring = orderCreatedV1(at(500));
    const paid = orderCreatedV1(at(800));
    await publishRawEvent(testBus.bus, 'order.created', expiring);
    await publishRawEvent(testBus.bus, 'order.created', paid);
    await publishRawEvent(testBus.bus, 'order.completed', { id: paid.id, version: 1, ticket: { id: paid.ticket.id }, paymentId: randomUUID() });

    const fired = await expirations.waitFor('expiration.completed', (p) => p.orderId === expiring.id, { timeoutMs: 500 + LATENESS_BOUND_MS });
    expect(publishedAt(fired)).toBeGreaterThanOrEqual(Date.parse(expiring.expiresAt));
    await sleep(1500); // past the paid one's expiresAt, and room for a repeat
    const counts = countByOrder(expirations.events);
    expect(counts.get(expiring.id)).toBe(1);
    expect(counts.has(paid.id)).toBe(false);
  });

  test('v2 orders of k tickets: a timer each; the completed one never fires', async () => {
    const expiring = orderCreated(at(500));
    const paid = orderCreated(at(800));
    await publishTestEvent(testBus.bus, 'order.created', expiring);
    await publishTestEvent(testBus.bus, 'order.created', paid);
    await publishTestEvent(testBus.bus, 'order.completed', orderCompleted(paid));
    await waitFor(() => countByOrder(expirations.events).has(expiring.id), { timeoutMs: 500 + LATENESS_BOUND_MS });
    await sleep(1500);
    expect(countByOrder(expirations.events).get(expiring.id)).toBe(1);
    expect(countByOrder(expirations.events).has(paid.id)).toBe(false);
  });
});
