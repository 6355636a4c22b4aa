import { randomUUID } from 'node:crypto';
import { createLogger, RetryLaterError } from '@ticketing/common';
import { createTestDatabase, raceCommitAfterFirstStatement, type TestDatabase } from '@ticketing/common/testing';
import { findOrder, insertOrder, type ReplicaOrder } from '../src/data/orders.data';
import { applyOrderStatusChange } from '../src/domain/orders-replica';
import { PAYMENTS_MIGRATIONS } from '../src/migrations';

// Two replicas of payments share the durable consumer, so order.created and order.cancelled of one order can be
// handled at the same moment in two processes. The conditional UPDATE (version n on top of n-1) does not see a row
// inserted by a transaction still in flight; if that transaction commits before the follow-up version check, the
// check sees n-1: the event was not stale, it lost a race, and must be retried, not dropped. (Found by test/faults:
// a replica left at v0 `created` for an order cancelled long before.)

let db: TestDatabase;
const logger = createLogger('payments-test', 'silent');

beforeAll(async () => {
  db = await createTestDatabase(PAYMENTS_MIGRATIONS, 'payments');
});
afterAll(async () => {
  await db.drop();
});

/** Two tickets at 25.00 with the 10 % buyer fee, as order.created v2 would put it in the replica. */
const replicaOrder = (id: string): ReplicaOrder => ({
  id,
  version: 0,
  userId: randomUUID(),
  listingId: randomUUID(),
  eventId: randomUUID(),
  sellerId: randomUUID(),
  quantity: 2,
  unitPriceCents: 2500,
  buyerFeeCents: 500,
  sellerFeeCents: 250,
  totalCents: 5500,
  status: 'created',
  expiresAt: new Date(Date.now() + 60_000),
});

test('order.cancelled racing the insert of its order.created is retried, then applied', async () => {
  const id = randomUUID();
  const race = raceCommitAfterFirstStatement(
    db.pool,
    (creator) => insertOrder(creator, replicaOrder(id)),
    (canceller) => applyOrderStatusChange(canceller, { id, version: 1, status: 'cancelled' }, logger),
  );
  await expect(race).rejects.toBeInstanceOf(RetryLaterError);

  // The redelivery applies it.
  await expect(applyOrderStatusChange(db.pool, { id, version: 1, status: 'cancelled' }, logger)).resolves.toBe('applied');
  expect(await findOrder(db.pool, id)).toMatchObject({ version: 1, status: 'cancelled' });
});

test('a real duplicate or stale status change is still ignored', async () => {
  const id = randomUUID();
  await insertOrder(db.pool, replicaOrder(id));
  await expect(applyOrderStatusChange(db.pool, { id, version: 1, status: 'complete' }, logger)).resolves.toBe('applied');
  await expect(applyOrderStatusChange(db.pool, { id, version: 1, status: 'complete' }, logger)).resolves.toBe('stale');
  expect(await findOrder(db.pool, id)).toMatchObject({ version: 1, status: 'complete' });
});

test('an early status change is retried for longer than a killed replica can hold its predecessor (ack wait 30 s)', async () => {
  // The consumer gives up after maxDeliver (30) deliveries. A replica SIGKILLed while holding order.created keeps it
  // for the ack wait (30 s) before NATS redelivers it; its order.cancelled must still be waiting then. (Found by
  // test/faults: 30 deliveries 500 ms apart gave up after 15 s and the cancellation was lost.)
  const delays: number[] = [];
  for (let delivery = 1; delivery < 30; delivery++) {
    const err = await applyOrderStatusChange(db.pool, { id: randomUUID(), version: 1, status: 'cancelled' }, logger, delivery).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    delays.push((err as RetryLaterError).delayMs!);
  }
  expect(delays[0]).toBeLessThanOrEqual(500); // the predecessor is usually right behind
  expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThan(5 * 60_000);
});
