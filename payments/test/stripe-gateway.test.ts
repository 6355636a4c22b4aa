import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import type { Express } from 'express';
import { reconcileStaleAttempts } from '../src/domain/reconcile-attempts';
import { PaymentDeclinedError } from '../src/gateways/payment-gateway';
import { StripeGateway } from '../src/gateways/stripe-gateway';
import { count, createPaymentsTestDatabase, outboxEvents, paymentsTestApp, seedOrder, silentLogger } from './support/payments-test-kit';
import { startStripeFake, type StripeFake } from './support/stripe-fake';

// The real Stripe SDK, pointed at a local fake of Stripe's API: what leaves the service is what Stripe would receive.
let db: TestDatabase;
let fake: StripeFake;
let gateway: StripeGateway;
let app: Express;

beforeAll(async () => {
  db = await createPaymentsTestDatabase();
  fake = await startStripeFake();
  gateway = new StripeGateway({ secretKey: 'sk_test_fake', logger: silentLogger, host: fake.host, port: fake.port, protocol: 'http', maxNetworkRetries: 2 });
  app = paymentsTestApp(db.pool, gateway);
});
afterAll(async () => {
  await fake.close();
  await db.drop();
});

const pay = (cookie: string, orderId: string, token: string) => request(app).post('/api/payments').set('Cookie', cookie).send({ orderId, token });
const intentRequestsFor = (orderId: string) => fake.requests.filter((r) => r.path === '/v1/payment_intents' && typeof r.form === 'object' && (r.form.metadata as Record<string, string> | undefined)?.orderId === orderId);
const intentsFor = (orderId: string) => fake.paymentIntents.filter((p) => p.metadata.orderId === orderId);

test('2 × $9.50 + $1.90 fee = $20.90 is charged as exactly 2090 cents in usd, confirmed at once, with Idempotency-Key = order id', async () => {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id, quantity: 2, unitPriceCents: 950 });
  const res = await pay(buyer.cookie, order.id, 'tok_visa');

  expect(order.totalCents).toBe(2090);
  expect(res.status).toBe(201);
  expect(res.body).toEqual({ id: expect.any(String), orderId: order.id, amount: 20.9, status: 'succeeded' });
  const [sent, ...more] = intentRequestsFor(order.id);
  expect(more).toEqual([]);
  expect(sent).toMatchObject({ method: 'POST', idempotencyKey: order.id, authorization: 'Bearer sk_test_fake', status: 200 });
  expect(sent!.form).toMatchObject({
    amount: '2090',
    currency: 'usd',
    confirm: 'true',
    payment_method_data: { type: 'card', card: { token: 'tok_visa' } },
    automatic_payment_methods: { enabled: 'true', allow_redirects: 'never' },
  });
  const intent = intentsFor(order.id)[0]!;
  const { rows } = await db.pool.query('SELECT provider_id, amount_cents FROM payments WHERE order_id = $1', [order.id]);
  expect(rows).toEqual([{ provider_id: intent.id, amount_cents: 2090 }]);
  expect((await outboxEvents(db.pool, 'payment.created')).map((e) => e.payload).filter((p) => p.orderId === order.id)).toEqual([
    { id: res.body.id, orderId: order.id, amountCents: 2090, providerId: intent.id },
  ]);
});

test("a card error becomes 402 with Stripe's message; the next card is charged under a fresh key", async () => {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id, unitPriceCents: 4200 });
  const declined = await pay(buyer.cookie, order.id, 'tok_chargeDeclinedInsufficientFunds');
  expect(declined.status).toBe(402);
  expect(declined.body).toEqual({ errors: [{ message: 'Your card has insufficient funds.' }] });
  expect(await count(db.pool, 'SELECT 1 FROM payments WHERE order_id = $1', [order.id])).toBe(0);

  const paid = await pay(buyer.cookie, order.id, 'tok_visa');
  expect(paid.status).toBe(201);
  // Stripe replays a key's first answer (the decline) and refuses it with other parameters: the retry needs its own key.
  expect(intentRequestsFor(order.id).map((r) => [r.idempotencyKey, r.status])).toEqual([
    [order.id, 402],
    [`${order.id}:attempt-2`, 200],
  ]);
});

test('a token Stripe does not know is a 400 on the token field', async () => {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id });
  const res = await pay(buyer.cookie, order.id, 'tok_doesNotExist');
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([{ message: "No such token: 'tok_doesNotExist'", field: 'token' }]);
});

test('concurrent requests for one order: Stripe sees one key and creates ONE PaymentIntent; one payment row', async () => {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id, unitPriceCents: 7500 });
  fake.setLatency(300);
  const responses = await Promise.all(Array.from({ length: 6 }, () => pay(buyer.cookie, order.id, 'tok_visa'))).finally(() => fake.setLatency(0));

  expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  const sent = intentRequestsFor(order.id);
  expect(sent.length).toBeGreaterThan(1);
  expect(new Set(sent.map((r) => r.idempotencyKey))).toEqual(new Set([order.id]));
  expect(intentsFor(order.id)).toHaveLength(1);
  expect(await count(db.pool, 'SELECT 1 FROM payments WHERE order_id = $1', [order.id])).toBe(1);
});

test('Stripe unreachable: 503, the attempt stays pending; the reconciler replays the same request and stores the charge once', async () => {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id, unitPriceCents: 1234 });
  fake.failNext(3, '/v1/payment_intents'); // the first try and both SDK retries
  const res = await pay(buyer.cookie, order.id, 'tok_visa');
  expect(res.status).toBe(503);
  expect(intentsFor(order.id)).toHaveLength(0);
  const { rows } = await db.pool.query('SELECT status FROM payment_attempts WHERE order_id = $1', [order.id]);
  expect(rows).toEqual([{ status: 'pending' }]);

  const counts = await reconcileStaleAttempts({ pool: db.pool, gateway, logger: silentLogger }, 0);
  expect(counts.stored).toBe(1);
  expect(intentsFor(order.id)).toHaveLength(1);
  expect(intentRequestsFor(order.id).filter((r) => r.status === 200).map((r) => r.idempotencyKey)).toEqual([order.id]);
  expect(await count(db.pool, 'SELECT 1 FROM payments WHERE order_id = $1', [order.id])).toBe(1);
});

test('refunds go to /v1/refunds for the PaymentIntent with the given idempotency key; a retry returns the same refund', async () => {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id, unitPriceCents: 1999 });
  expect((await pay(buyer.cookie, order.id, 'tok_visa')).status).toBe(201);
  const intent = intentsFor(order.id)[0]!;
  const paymentId = randomUUID();

  const first = await gateway.refund({ providerId: intent.id, amountCents: 1999, idempotencyKey: paymentId });
  const second = await gateway.refund({ providerId: intent.id, amountCents: 1999, idempotencyKey: paymentId });
  expect(second.refundId).toBe(first.refundId);
  expect(fake.refunds.filter((r) => r.paymentIntent === intent.id)).toEqual([{ id: first.refundId, paymentIntent: intent.id, amount: 1999, idempotencyKey: paymentId }]);
  const sent = fake.requests.filter((r) => r.path === '/v1/refunds' && r.idempotencyKey === paymentId);
  expect(sent.map((r) => [r.form, r.replayed])).toEqual([
    [expect.objectContaining({ payment_intent: intent.id, amount: '1999' }), false],
    [expect.objectContaining({ payment_intent: intent.id, amount: '1999' }), true],
  ]);
});

test('the gateway maps each decline token to PaymentDeclinedError with the message Stripe sends', async () => {
  await expect(
    gateway.charge({ amountCents: 1000, currency: 'usd', token: 'tok_chargeDeclinedExpiredCard', idempotencyKey: randomUUID(), metadata: {} }),
  ).rejects.toEqual(new PaymentDeclinedError('Your card has expired.'));
});

describe('card testing through Stripe', () => {
  const attemptRows = () => count(db.pool, 'SELECT 1 FROM payment_attempts');

  test('a malformed token is a 400 on the token field before anything is stored or sent to Stripe', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    const [rows, received] = [await attemptRows(), fake.received()];
    const res = await pay(buyer.cookie, order.id, '4242424242424242');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'token must be a Stripe card token (tok_…) or PaymentMethod id (pm_…)', field: 'token' }] });
    expect(await attemptRows()).toBe(rows);
    expect(fake.received()).toBe(received);
  });

  test('a PaymentMethod id goes to Stripe as payment_method; one Stripe does not know is a 400 that counts toward no limit', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    for (let i = 0; i < 6; i++) {
      const res = await pay(buyer.cookie, order.id, `pm_missing${i}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: `No such PaymentMethod: 'pm_missing${i}'`, field: 'token' }] });
    }
    expect(await count(db.pool, "SELECT 1 FROM payment_attempts WHERE order_id = $1 AND status = 'invalid_token'", [order.id])).toBe(6);
    expect(await count(db.pool, 'SELECT 1 FROM payments WHERE order_id = $1', [order.id])).toBe(0);

    const paid = await pay(buyer.cookie, order.id, 'pm_card_visa');
    expect(paid.status).toBe(201);
    const sent = intentRequestsFor(order.id).at(-1)!;
    expect(sent.form).toMatchObject({ payment_method: 'pm_card_visa' });
    expect(sent.form).not.toHaveProperty('payment_method_data');
  });

  test('Stripe declines count: after 5 on one order the 6th attempt is 429 with Retry-After and never reaches Stripe', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    for (const token of ['tok_chargeDeclined', 'pm_card_chargeDeclinedExpiredCard', 'tok_chargeDeclinedIncorrectCvc', 'tok_chargeDeclined', 'pm_card_chargeDeclined']) {
      expect((await pay(buyer.cookie, order.id, token)).status).toBe(402);
    }
    const received = fake.received();
    const refused = await pay(buyer.cookie, order.id, 'tok_visa');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3590);
    expect(fake.received()).toBe(received);
    expect(await count(db.pool, 'SELECT 1 FROM payment_attempts WHERE order_id = $1', [order.id])).toBe(5);
  });
});
