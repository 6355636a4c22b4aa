import {
  collectEvents,
  createTestBus,
  createTestDatabase,
  publishTestEvent,
  signedInUser,
  serviceEnv,
  waitFor,
  type EventCollector,
  type TestBus,
  type TestDatabase,
  launchService,
  startServiceOnPort,
  type ServiceOnPort,
} from '@ticketing/common/testing';
import { count, orderCreatedEvent } from './support/payments-test-kit';
import { startStripeFake, type StripeFake } from './support/stripe-fake';

// The real composition root as a separate process (from source with tsx), charging through the real Stripe SDK
// against the local Stripe fake, killed with SIGKILL between "Stripe charged" and "payment stored".
// node itself is spawned with tsx as a loader (not the tsx CLI, which runs the service in a grandchild that a SIGKILL
// of the CLI would leave running).

const ENTRY = 'payments/src/index.ts';

let db: TestDatabase;
let testBus: TestBus;
let fake: StripeFake;
let published: EventCollector;
const running: ServiceOnPort[] = [];

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'payments_entry'); // empty: the service migrates it at start-up
  testBus = await createTestBus();
  fake = await startStripeFake();
  published = await collectEvents(testBus.bus, 'PAYMENTS');
});
afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await published.stop();
  await fake.close();
  await testBus.cleanup();
  await db.drop();
});

const env = (): Record<string, string> => ({
  ...serviceEnv({ db, bus: testBus }),
  STRIPE_SECRET_KEY: 'sk_test_entrypoint',
  STRIPE_API_HOST: fake.host,
  STRIPE_API_PORT: String(fake.port),
  STRIPE_API_PROTOCOL: 'http',
  PAYMENTS_SWEEP_INTERVAL_SECONDS: '1',
  PAYMENTS_STALE_ATTEMPT_SECONDS: '1',
});

async function launch(): Promise<ServiceOnPort> {
  const r = await launchService(ENTRY, env());
  running.push(r);
  return r;
}

it('refuses to start with a publishable key as STRIPE_SECRET_KEY, naming the variable, exit code 78', async () => {
  const r = await startServiceOnPort(ENTRY, { ...env(), STRIPE_SECRET_KEY: 'pk_test_123' });
  expect(await r.exited).toBe(78);
  expect(r.output()).toMatch(/STRIPE_SECRET_KEY is invalid/);
});

it('SIGKILL after Stripe charged but before the payment was stored: on restart the charge is stored once, then refunded once when orders rejects it', async () => {
  const buyer = signedInUser();
  // 2 × 9.50 + 1.90 buyer fee: Stripe is asked for the order's total, 2090 cents.
  const order = orderCreatedEvent({ userId: buyer.id, quantity: 2, unitPriceCents: 950 });
  const first = await launch();
  expect(await (await fetch(first.url('/healthz/ready'))).json()).toMatchObject({ checks: { database: 'ok', nats: 'ok' } });
  await publishTestEvent(testBus.bus, 'order.created', order);
  await waitFor(async () => (await count(db.pool, 'SELECT 1 FROM orders WHERE id = $1', [order.id])) === 1);

  // Stripe takes its time; the process dies while Stripe is charging. Stripe finishes the charge regardless.
  fake.setLatency(1500);
  const before = fake.received();
  const answer = fetch(first.url('/api/payments'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: buyer.cookie },
    body: JSON.stringify({ orderId: order.id, token: 'tok_visa' }),
  }).catch((err: unknown) => err);
  await waitFor(() => fake.received() > before);
  first.child.kill('SIGKILL');
  await first.exited;
  expect(await answer).toMatchObject({ message: expect.stringMatching(/fetch failed/) }); // the buyer got no answer
  await waitFor(() => fake.paymentIntents.some((p) => p.metadata.orderId === order.id), { timeoutMs: 5000 });
  fake.setLatency(0);
  expect((await db.pool.query('SELECT status FROM payment_attempts WHERE order_id = $1', [order.id])).rows).toEqual([{ status: 'pending' }]);
  expect(await count(db.pool, 'SELECT 1 FROM payments WHERE order_id = $1', [order.id])).toBe(0);

  // Restart: the sweeper replays the attempt with the same key; Stripe answers with the charge it already made.
  const second = await launch();
  const created = await published.waitFor('payment.created', (p) => p.orderId === order.id, { timeoutMs: 15_000 });
  const intents = fake.paymentIntents.filter((p) => p.metadata.orderId === order.id);
  expect(intents).toHaveLength(1);
  expect(created.payload).toEqual({ id: expect.any(String), orderId: order.id, amountCents: 2090, providerId: intents[0]!.id });
  const sent = fake.requests.filter((r) => r.path === '/v1/payment_intents' && r.idempotencyKey === order.id);
  expect(sent.map((r) => r.replayed)).toEqual([false, true]);
  expect(await count(db.pool, 'SELECT 1 FROM payments WHERE order_id = $1', [order.id])).toBe(1);

  // Meanwhile the hold expired in orders, which rejects the payment: Stripe refunds it, keyed by the payment id.
  await publishTestEvent(testBus.bus, 'order.payment_rejected', { orderId: order.id, paymentId: created.payload.id });
  const refunded = await published.waitFor('payment.refunded', (p) => p.id === created.payload.id, { timeoutMs: 15_000 });
  expect(fake.refunds.filter((r) => r.paymentIntent === intents[0]!.id)).toEqual([
    { id: refunded.payload.refundId, paymentIntent: intents[0]!.id, amount: 2090, idempotencyKey: created.payload.id },
  ]);

  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(second.output()).toMatch(/"msg":"stopped"/);
});
