import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  createTestBus,
  createTestDatabase,
  publishTestEvent,
  signedInUser,
  serviceEnv,
  waitFor,
  type TestBus,
  type TestDatabase,
  type TestUser,
  startServiceOnPort,
  waitUntilReady,
  type ServiceOnPort,
} from '@ticketing/common/testing';
import { findOrder } from '../src/data/orders.data';
import { findPaymentByOrder } from '../src/data/payments.data';
import { count, startPaymentsEventHarness, type PaymentsEventHarness } from './support/payments-test-kit';

// Invariant 6 end to end: the real orders service (its own process and database, run from source) and payments
// (in this process) on one bus namespace. Catalog, tickets and expiration are played by the test: it publishes
// event.scheduled, listing.changed and expiration.completed as they would. Every charge must end served (order complete) or refunded, never neither.

let testBus: TestBus;
let ordersDb: TestDatabase;
let orders: ServiceOnPort;
let payments: PaymentsEventHarness;
let eventId: string;

beforeAll(async () => {
  testBus = await createTestBus();
  ordersDb = await createTestDatabase(undefined, 'orders_e2e');
  orders = await startServiceOnPort('orders/src/index.ts', { LOG_LEVEL: 'warn', ...serviceEnv({ db: ordersDb, bus: testBus }) });
  payments = await startPaymentsEventHarness({ testBus });
  await waitUntilReady(orders, orders.url('/healthz/ready'), 30_000);
  eventId = await scheduledEvent();
}, 60_000);

afterAll(async () => {
  if (orders?.child.exitCode === null) {
    orders.child.kill('SIGTERM');
    await new Promise((r) => orders.child.once('exit', r));
  }
  await payments?.stop();
  await testBus?.cleanup();
  await ordersDb?.drop();
});

const ordersApi = () => request(orders.url(''));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A catalogue event a week out, as catalog announces it; orders lets buyers order listings of open events only. */
async function scheduledEvent(): Promise<string> {
  const id = randomUUID();
  await publishTestEvent(testBus.bus, 'event.scheduled', {
    id,
    version: 0,
    name: `Race night ${id.slice(0, 4)}`,
    category: 'concert',
    venue: { name: 'Test Hall', city: 'Testville', country: 'US' },
    timeZone: 'UTC',
    startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    status: 'scheduled',
    artwork: null,
  });
  return id;
}

/**
 * A listing of four seats (as tickets would announce it) of which a buyer orders two through the real orders API;
 * known to payments' replica. The charge is the order's total: 2 × unit price + buyer fee.
 */
async function placedOrder(eventId: string, unitPriceCents: number): Promise<{ orderId: string; buyer: TestUser; totalCents: number }> {
  const listingId = randomUUID();
  await publishTestEvent(testBus.bus, 'listing.changed', {
    id: listingId,
    eventId,
    sellerId: randomUUID(),
    version: 0,
    status: 'active',
    section: 'Block 512',
    row: 'F',
    priceCents: unitPriceCents,
    faceValueCents: unitPriceCents,
    split: 'any',
    delivery: 'later',
    available: 4,
    tickets: ['11', '12', '13', '14'].map((seat) => ({ id: randomUUID(), seat, status: 'available' as const })),
  });
  const buyer = signedInUser();
  const res = await waitFor(
    async () => {
      const r = await ordersApi().post('/api/orders').set('Cookie', buyer.cookie).send({ listingId, quantity: 2 });
      return r.status === 201 ? r : false; // 404 until orders' replica has the listing (and its event)
    },
    { timeoutMs: 10_000, description: 'the order to be placed' },
  );
  const orderId = res.body.id as string;
  const replica = await waitFor(async () => (await findOrder(payments.db.pool, orderId)) ?? false, { timeoutMs: 10_000 });
  expect(replica).toMatchObject({ listingId, quantity: 2, unitPriceCents: unitPriceCents });
  return { orderId, buyer, totalCents: replica.totalCents };
}

const orderStatus = async (orderId: string, buyer: TestUser) => (await ordersApi().get(`/api/orders/${orderId}`).set('Cookie', buyer.cookie)).body.status as string;

/** Waits until the order's fate is settled on both sides and returns it; throws if it settles inconsistently. */
async function settledOutcome(orderId: string, buyer: TestUser): Promise<'served' | 'refunded' | 'not-charged'> {
  return waitFor(
    async () => {
      const status = await orderStatus(orderId, buyer);
      const payment = await findPaymentByOrder(payments.db.pool, orderId);
      if (status === 'complete') return payment?.status === 'succeeded' ? 'served' : false;
      if (status !== 'cancelled') return false;
      if (!payment) return 'not-charged';
      return payment.status === 'refunded' ? 'refunded' : false;
    },
    { timeoutMs: 20_000, intervalMs: 100, description: `order ${orderId} to settle` },
  );
}

test('payments lagging behind: a charge reaching orders after the hold expired is rejected and refunded once', async () => {
  const { orderId, buyer, totalCents } = await placedOrder(eventId, 1999);
  await payments.pauseConsumer(); // payments will not hear of the cancellation in time
  try {
    await publishTestEvent(testBus.bus, 'expiration.completed', { orderId });
    await waitFor(async () => (await orderStatus(orderId, buyer)) === 'cancelled', { timeoutMs: 10_000 });
    const res = await request(payments.app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId, token: 'tok_visa' });
    expect(res.status).toBe(201); // the replica still says `created`: charged
    expect(res.body.amount * 100).toBeCloseTo(totalCents); // 2 × 19.99 + 4.00 buyer fee
  } finally {
    await payments.resumeConsumer();
  }
  expect(await settledOutcome(orderId, buyer)).toBe('refunded');
  const payment = (await findPaymentByOrder(payments.db.pool, orderId))!;
  const refunded = await payments.published.waitFor('payment.refunded', (p) => p.id === payment.id);
  expect(refunded.payload.orderId).toBe(orderId);
  // The whole charge comes back, the buyer fee included.
  const { rows } = await payments.db.pool.query('SELECT amount_cents FROM test_gateway_refunds WHERE idempotency_key = $1', [payment.id]);
  expect(rows).toEqual([{ amount_cents: totalCents }]);
});

test('20 orders, each paid while its hold expires (expiry from 150 ms before to 600 ms after the payment): every charge is served or refunded, exactly once', async () => {
  const placed = await Promise.all(Array.from({ length: 20 }, (_, i) => placedOrder(eventId, 1000 + i)));
  const statuses = await Promise.all(
    placed.map(async ({ orderId, buyer }) => {
      const offset = Math.round(Math.random() * 750) - 150;
      const expire = async () => {
        if (offset > 0) await sleep(offset);
        await publishTestEvent(testBus.bus, 'expiration.completed', { orderId });
      };
      const pay = async () => {
        if (offset < 0) await sleep(-offset);
        return (await request(payments.app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId, token: 'tok_visa' })).status;
      };
      return (await Promise.all([pay(), expire()]))[0];
    }),
  );
  expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);

  const outcomes = await Promise.all(placed.map(({ orderId, buyer }) => settledOutcome(orderId, buyer)));
  // Every 201 is a charge, and every charge is either the completed order's payment or refunded; a 409 charged nothing.
  placed.forEach((_, i) => expect(statuses[i] === 201 ? ['served', 'refunded'] : ['not-charged']).toContain(outcomes[i]));
  const orderIds = placed.map((p) => p.orderId);
  const charges = await count(payments.db.pool, "SELECT 1 FROM test_gateway_charges WHERE idempotency_key = ANY($1::text[]) AND status = 'succeeded'", [orderIds]);
  const refunds = await count(
    payments.db.pool,
    'SELECT 1 FROM test_gateway_refunds r JOIN payments p ON p.provider_id = r.payment_intent_id WHERE p.order_id = ANY($1::uuid[])',
    [orderIds],
  );
  expect(charges).toBe(outcomes.filter((o) => o !== 'not-charged').length);
  expect(refunds).toBe(outcomes.filter((o) => o === 'refunded').length);
}, 90_000);
