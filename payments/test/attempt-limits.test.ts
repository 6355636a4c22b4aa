import request from 'supertest';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import { TestGateway } from '../src/gateways/test-gateway';
import { count, createPaymentsTestDatabase, ObservedGateway, paymentsTestApp, seedOrder } from './support/payments-test-kit';

// Card testing (issue 18): at most 5 attempts per order and 20 per buyer in any hour (the defaults), counted from the
// attempt rows under locks; beyond → 429 + Retry-After, nothing stored, the provider never asked.
let db: TestDatabase;
let gateway: ObservedGateway;
let app: ReturnType<typeof paymentsTestApp>;

beforeAll(async () => {
  db = await createPaymentsTestDatabase();
  gateway = new ObservedGateway(new TestGateway(db.pool));
  app = paymentsTestApp(db.pool, gateway);
});
afterAll(async () => {
  await db.drop();
});

const pay = (cookie: string, orderId: string, token: string) => request(app).post('/api/payments').set('Cookie', cookie).send({ orderId, token });
const attemptsOf = (orderId: string) => count(db.pool, 'SELECT 1 FROM payment_attempts WHERE order_id = $1', [orderId]);
const callsFor = (orderId: string) => gateway.charges.filter((c) => c.metadata.orderId === orderId).length;
/** Moves an order's attempts back in time, as if they had been made `secondsAgo` ago (oldest first, one second apart). */
const backdate = (orderId: string, secondsAgo: number) =>
  db.pool.query(
    `UPDATE payment_attempts SET created_at = now() - make_interval(secs => $2 - (attempt_no - 1)) WHERE order_id = $1`,
    [orderId, secondsAgo],
  );
const tableCounts = async () => {
  const tables = ['payment_attempts', 'payments', 'refunds', 'outbox', 'test_gateway_charges'];
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(db.pool, `SELECT 1 FROM ${t}`)])));
};

describe('per order: 5 attempts an hour', () => {
  test('five declines count; the 6th attempt within the hour is 429 with Retry-After ≈ 1 h, stores nothing and never reaches the provider', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    for (let i = 0; i < 5; i++) expect((await pay(buyer.cookie, order.id, 'tok_chargeDeclined')).status).toBe(402);
    expect(await attemptsOf(order.id)).toBe(5);

    const refused = await pay(buyer.cookie, order.id, 'tok_visa');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3590);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(refused.body).toEqual({ errors: [{ message: 'Too many payment attempts for this order: 5 in the last hour. Try again in 60 minutes.' }] });
    expect(await attemptsOf(order.id)).toBe(5);
    expect(callsFor(order.id)).toBe(5);
  });

  test('the window slides: Retry-After is the time until the oldest attempt leaves it; once it has, the next attempt is taken', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    for (let i = 0; i < 5; i++) expect((await pay(buyer.cookie, order.id, 'tok_chargeDeclinedExpiredCard')).status).toBe(402);

    await backdate(order.id, 3600 - 30); // the oldest leaves the hour in 30 s, the next one in 31 s
    const refused = await pay(buyer.cookie, order.id, 'tok_visa');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(29);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(refused.body.errors[0].message).toMatch(/Try again in (29|30) seconds\.$/);

    await backdate(order.id, 3600 + 1); // the oldest is now 1 h 1 s old: four remain in the window
    const paid = await pay(buyer.cookie, order.id, 'tok_visa');
    expect(paid.status).toBe(201);
    expect(await attemptsOf(order.id)).toBe(6);
  });

  test('repeating the attempt in flight (same card) is not a new attempt and is never limited', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    for (let i = 0; i < 4; i++) expect((await pay(buyer.cookie, order.id, 'tok_chargeDeclined')).status).toBe(402);
    gateway.chargeDelayMs = 150;
    const responses = await Promise.all(Array.from({ length: 6 }, () => pay(buyer.cookie, order.id, 'tok_visa'))).finally(() => (gateway.chargeDelayMs = 0));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await attemptsOf(order.id)).toBe(5);
  });
});

describe('per buyer: 20 attempts an hour across orders', () => {
  test('25 simultaneous attempts on 25 orders of one buyer: exactly 20 reach the provider, 5 are 429 with nothing stored', async () => {
    const buyer = signedInUser();
    const orders = await Promise.all(Array.from({ length: 25 }, () => seedOrder(db.pool, { userId: buyer.id })));
    gateway.chargeDelayMs = 100;
    const responses = await Promise.all(orders.map((o, i) => pay(buyer.cookie, o.id, i % 3 ? 'tok_visa' : 'tok_chargeDeclined'))).finally(
      () => (gateway.chargeDelayMs = 0),
    );

    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(5);
    expect(responses.filter((r) => r.status === 201 || r.status === 402)).toHaveLength(20);
    for (const r of refused) {
      expect(r.body.errors[0].message).toMatch(/^Too many payment attempts from your account: 20 in the last hour\. Try again in (59|60) minutes\.$/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(3500);
    }
    const ids = orders.map((o) => o.id);
    expect(await count(db.pool, 'SELECT 1 FROM payment_attempts WHERE order_id = ANY($1)', [ids])).toBe(20);
    expect(gateway.charges.filter((c) => ids.includes(c.metadata.orderId!)).length).toBe(20);
  });

  test('declines on other orders count toward the buyer; attempts older than an hour do not', async () => {
    const buyer = signedInUser();
    const declinedOrders = await Promise.all(Array.from({ length: 5 }, () => seedOrder(db.pool, { userId: buyer.id })));
    for (const o of declinedOrders) {
      for (let i = 0; i < 4; i++) expect((await pay(buyer.cookie, o.id, 'tok_chargeDeclinedInsufficientFunds')).status).toBe(402);
    }
    const fresh = await seedOrder(db.pool, { userId: buyer.id });
    const refused = await pay(buyer.cookie, fresh.id, 'tok_visa');
    expect(refused.status).toBe(429);
    expect(await attemptsOf(fresh.id)).toBe(0);

    // Another buyer is not affected.
    const other = signedInUser();
    const theirs = await seedOrder(db.pool, { userId: other.id });
    expect((await pay(other.cookie, theirs.id, 'tok_visa')).status).toBe(201);

    await backdate(declinedOrders[0]!.id, 3600 + 10);
    expect((await pay(buyer.cookie, fresh.id, 'tok_visa')).status).toBe(201);
  });
});

describe('invalid tokens: 400, nothing counted', () => {
  test.each([
    ['a card number', '4242424242424242'],
    ['a PaymentMethod id (the test gateway takes tokens only)', 'pm_card_visa'],
    ['spaces inside', 'tok_visa x'],
    ['punctuation', "tok_visa';--"],
    ['an empty id', 'tok_'],
  ])('%s is refused before anything is stored or sent; every table keeps its row count', async (_name, token) => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    const before = await tableCounts();
    const calls = gateway.charges.length;
    const res = await pay(buyer.cookie, order.id, token);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'token must be a test card token (tok_…, e.g. tok_visa)', field: 'token' }] });
    expect(await tableCounts()).toEqual(before);
    expect(gateway.charges.length).toBe(calls);
  });

  test('a well-formed token the provider rejects: 400, no payment, no event; its attempt is marked invalid_token and counts toward no limit', async () => {
    const buyer = signedInUser();
    const order = await seedOrder(db.pool, { userId: buyer.id });
    const before = await tableCounts();
    for (let i = 0; i < 6; i++) {
      const res = await pay(buyer.cookie, order.id, `tok_unknown${i}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: `No such token: 'tok_unknown${i}'`, field: 'token' }] });
    }
    const after = await tableCounts();
    expect(after).toEqual({ ...before, payment_attempts: before.payment_attempts + 6, test_gateway_charges: before.test_gateway_charges + 6 });
    const { rows } = await db.pool.query('SELECT status FROM payment_attempts WHERE order_id = $1', [order.id]);
    expect(rows.every((r) => r.status === 'invalid_token')).toBe(true);

    // Six rejected tokens on one order, yet the buyer may still try five cards: the sixth attempt row is not a 6th try.
    for (let i = 0; i < 4; i++) expect((await pay(buyer.cookie, order.id, 'tok_chargeDeclined')).status).toBe(402);
    expect((await pay(buyer.cookie, order.id, 'tok_visa')).status).toBe(201);
  });
});
