import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import type { Express } from 'express';
import { TestGateway } from '../src/gateways/test-gateway';
import { count, createPaymentsTestDatabase, ObservedGateway, outboxEvents, paymentsTestApp, seedOrder } from './support/payments-test-kit';

let db: TestDatabase;
let gateway: ObservedGateway;
let app: Express;

beforeAll(async () => {
  db = await createPaymentsTestDatabase();
  gateway = new ObservedGateway(new TestGateway(db.pool));
  app = paymentsTestApp(db.pool, gateway);
});
afterAll(async () => {
  await db.drop();
});

const pay = (cookie: string | undefined, body: unknown) => {
  const r = request(app).post('/api/payments');
  if (cookie) r.set('Cookie', cookie);
  return r.send(body as object);
};

const paymentsOf = (orderId: string) => count(db.pool, 'SELECT 1 FROM payments WHERE order_id = $1', [orderId]);
const providerChargesFor = (orderId: string) =>
  count(db.pool, "SELECT 1 FROM test_gateway_charges WHERE (idempotency_key = $1 OR idempotency_key LIKE $1 || ':%') AND status = 'succeeded'", [orderId]);
const outboxFor = async (orderId: string) => (await outboxEvents(db.pool)).filter((e) => e.payload.orderId === orderId);

describe('POST /api/payments', () => {
  test("201: charges the order's total (k × unit price + buyer fee) in cents with the order id as idempotency key; stores the payment and payment.created together", async () => {
    const buyer = signedInUser();
    // 3 × 19.99 = 59.97; buyer fee 10 % = 5.997 → 6.00; total 65.97. The seller's fee is not the buyer's business.
    const order = await seedOrder(db.pool, { userId: buyer.id, quantity: 3, unitPriceCents: 1999 });
    expect(order).toMatchObject({ buyerFeeCents: 600, sellerFeeCents: 300, totalCents: 6597 });
    const res = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), orderId: order.id, amount: 65.97, status: 'succeeded' });
    const charge = gateway.charges.find((c) => c.metadata.orderId === order.id)!;
    expect(charge).toMatchObject({ amountCents: 6597, currency: 'usd', token: 'tok_visa', idempotencyKey: order.id });

    const { rows } = await db.pool.query('SELECT id, amount_cents, currency, provider_id, status FROM payments WHERE order_id = $1', [order.id]);
    expect(rows).toEqual([{ id: res.body.id, amount_cents: 6597, currency: 'usd', provider_id: expect.stringMatching(/^pi_test_/), status: 'succeeded' }]);
    expect(await outboxFor(order.id)).toEqual([
      { subject: 'payment.created', payload: { id: res.body.id, orderId: order.id, amountCents: 6597, providerId: rows[0].provider_id } },
    ]);
  });

  test('401 without a session; nothing charged', async () => {
    const order = await seedOrder(db.pool);
    const res = await pay(undefined, { orderId: order.id, token: 'tok_visa' });
    expect(res.status).toBe(401);
    expect(await providerChargesFor(order.id)).toBe(0);
  });

  test.each([
    ['missing orderId', { token: 'tok_visa' }, 'orderId'],
    ['orderId not a UUID', { orderId: 'order-1', token: 'tok_visa' }, 'orderId'],
    ['missing token', { orderId: randomUUID() }, 'token'],
    ['empty token', { orderId: randomUUID(), token: '   ' }, 'token'],
    ['token not a string', { orderId: randomUUID(), token: 42 }, 'token'],
  ])('400 %s, naming the field; nothing stored', async (_name, body, field) => {
    const buyer = signedInUser();
    const res = await pay(buyer.cookie, body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await count(db.pool, 'SELECT 1 FROM payment_attempts WHERE order_id::text = $1', [String((body as { orderId?: unknown }).orderId)])).toBe(0);
  });

  test('400 for a token the provider does not know ("No such token"); nothing charged; the order stays payable', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    const res = await pay(buyer.cookie, { orderId: order.id, token: 'tok_nonsense' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: "No such token: 'tok_nonsense'", field: 'token' }]);
    expect(await paymentsOf(order.id)).toBe(0);
    expect((await pay(buyer.cookie, { orderId: order.id, token: 'tok_mastercard' })).status).toBe(201);
  });

  test('404 for an order the replica does not know', async () => {
    const res = await pay(signedInUser().cookie, { orderId: randomUUID(), token: 'tok_visa' });
    expect(res.status).toBe(404);
  });

  test("403 for someone else's order; nothing charged", async () => {
    const order = await seedOrder(db.pool);
    const res = await pay(signedInUser().cookie, { orderId: order.id, token: 'tok_visa' });
    expect(res.status).toBe(403);
    expect(await providerChargesFor(order.id)).toBe(0);
    expect(await paymentsOf(order.id)).toBe(0);
  });

  test.each([
    { order: 'a cancelled order', replica: () => ({ status: 'cancelled' as const, version: 1 }), message: /cancelled/ },
    { order: 'an order past expiresAt even if it is still "created" in the replica', replica: () => ({ expiresAt: new Date(Date.now() - 1000) }), message: /expired/ },
  ])('409 for $order; nothing charged', async ({ replica, message }) => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id, ...replica() });
    const res = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' });
    expect(res.status).toBe(409);
    expect(res.body.errors[0].message).toMatch(message);
    expect(await providerChargesFor(order.id)).toBe(0);
  });

  test('409 already paid: a second payment is refused before the provider is called again', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    expect((await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' })).status).toBe(201);
    const callsBefore = gateway.charges.length;

    for (const token of ['tok_visa', 'tok_amex']) {
      const again = await pay(buyer.cookie, { orderId: order.id, token });
      expect(again.status).toBe(409);
      expect(again.body.errors[0].message).toMatch(/already been paid/);
    }
    expect(gateway.charges.length).toBe(callsBefore);
    expect(await providerChargesFor(order.id)).toBe(1);
    expect(await paymentsOf(order.id)).toBe(1);
    expect((await outboxFor(order.id)).length).toBe(1);
  });

  test('409 for an order the replica already knows as complete', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id, status: 'complete', version: 1 });
    expect((await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' })).status).toBe(409);
  });

  test.each([
    ['tok_chargeDeclined', 'Your card was declined.'],
    ['tok_chargeDeclinedInsufficientFunds', 'Your card has insufficient funds.'],
    ['tok_chargeDeclinedExpiredCard', 'Your card has expired.'],
  ])('402 %s with the provider message; nothing stored; then payable with tok_visa under a fresh key', async (token, message) => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id, quantity: 2, unitPriceCents: 2500 });
    const declined = await pay(buyer.cookie, { orderId: order.id, token });
    expect(declined.status).toBe(402);
    expect(declined.body).toEqual({ errors: [{ message }] });
    expect(await paymentsOf(order.id)).toBe(0);
    expect(await outboxFor(order.id)).toEqual([]);

    // The same declined card again: the same attempt was closed, so a new key; still declined, still nothing stored.
    expect((await pay(buyer.cookie, { orderId: order.id, token })).status).toBe(402);

    const paid = await pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' });
    expect(paid.status).toBe(201);
    expect(paid.body.amount).toBe(55); // 2 × 25.00 + 5.00
    const keys = gateway.charges.filter((c) => c.metadata.orderId === order.id).map((c) => c.idempotencyKey);
    expect(keys).toEqual([order.id, `${order.id}:attempt-2`, `${order.id}:attempt-3`]);
    expect(await providerChargesFor(order.id)).toBe(1);
    expect(await paymentsOf(order.id)).toBe(1);
  });

  test('amounts stay integer cents end to end (PAYMENT_CURRENCY honoured)', async () => {
    const eurApp = paymentsTestApp(db.pool, gateway, { currency: 'eur' });
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id, quantity: 1, unitPriceCents: 10 });
    const res = await request(eurApp).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token: 'tok_visa' });
    expect(res.status).toBe(201);
    expect(res.body.amount).toBe(0.11); // 0.10 + 10 % fee rounded half up to 0.01
    expect(gateway.charges.at(-1)).toMatchObject({ amountCents: 11, currency: 'eur' });
  });
});

describe('concurrent payments for one order', () => {
  test('ten simultaneous requests with the same card: ONE charge at the provider, ONE payment row, one 201 and nine 409', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    gateway.chargeDelayMs = 150;
    const responses = await Promise.all(Array.from({ length: 10 }, () => pay(buyer.cookie, { orderId: order.id, token: 'tok_visa' }))).finally(
      () => (gateway.chargeDelayMs = 0),
    );

    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.body.errors[0].message).toMatch(/already been paid|in progress/);
    // Every call that reached the provider used the one key; the provider made one charge.
    const calls = gateway.charges.filter((c) => c.metadata.orderId === order.id);
    expect(calls.length).toBeGreaterThan(1); // the race was real: several requests reached the provider at once
    expect([...new Set(calls.map((c) => c.idempotencyKey))]).toEqual([order.id]);
    expect(await count(db.pool, 'SELECT 1 FROM test_gateway_charges WHERE idempotency_key = $1', [order.id])).toBe(1);
    expect(await paymentsOf(order.id)).toBe(1);
    expect((await outboxFor(order.id)).length).toBe(1);
  });

  test('simultaneous requests with different cards: one charge; the others wait for it (409 in progress / already paid)', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    const tokens = ['tok_visa', 'tok_mastercard', 'tok_amex', 'tok_discover', 'tok_visa_debit'];
    gateway.chargeDelayMs = 150;
    const responses = await Promise.all(tokens.map((token) => pay(buyer.cookie, { orderId: order.id, token }))).finally(() => (gateway.chargeDelayMs = 0));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(4);
    expect(await count(db.pool, "SELECT 1 FROM test_gateway_charges WHERE idempotency_key LIKE $1 || '%'", [order.id])).toBe(1);
    expect(await paymentsOf(order.id)).toBe(1);
  });
});

describe('health', () => {
  test('ready while the database answers', async () => {
    const res = await request(app).get('/healthz/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ database: 'ok' });
  });
});
