import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { withTransaction, type CancellationReason } from '@ticketing/common';
import { signedInUser, type TestDatabase, type TestUser } from '@ticketing/common/testing';
import type { ReplicaOrder } from '../src/data/orders.data';
import { applyOrderCancelled, applyOrderCompleted } from '../src/domain/paid-orders';
import { refundRejectedPayment, retryDueRefunds, type RefundDeps } from '../src/domain/refunds';
import { TestGateway } from '../src/gateways/test-gateway';
import { createPaymentsTestDatabase, ObservedGateway, paymentsTestApp, seedOrder, silentLogger } from './support/payments-test-kit';

// GET /api/payments?orderId=: the buyer's receipt, what they paid for an order and what came back, and why.

let db: TestDatabase;
let gateway: ObservedGateway;
let deps: RefundDeps;

beforeAll(async () => {
  db = await createPaymentsTestDatabase();
  gateway = new ObservedGateway(new TestGateway(db.pool));
  deps = { pool: db.pool, gateway, logger: silentLogger, retrierGraceMs: 0 };
});
afterAll(async () => {
  await db.drop();
});

interface Paid {
  buyer: TestUser;
  order: ReplicaOrder;
  paymentId: string;
}

const app = () => paymentsTestApp(db.pool, gateway);
const receipt = (buyer: TestUser | null, orderId: string) => {
  const req = request(app()).get(`/api/payments?orderId=${encodeURIComponent(orderId)}`);
  return buyer ? req.set('Cookie', buyer.cookie) : req;
};

async function paid(over: Partial<ReplicaOrder> = {}): Promise<Paid> {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id, ...over });
  const res = await request(app()).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token: 'tok_visa' });
  expect(res.status).toBe(201);
  return { buyer, order, paymentId: res.body.id };
}

const tickets = [randomUUID()];
const complete = (p: Paid) =>
  withTransaction(db.pool, (tx) => applyOrderCompleted(tx, { id: p.order.id, version: 1, listingId: p.order.listingId, ticketIds: tickets, paymentId: p.paymentId }, silentLogger));
const cancel = (p: Paid, reason: CancellationReason) =>
  withTransaction(db.pool, (tx) => applyOrderCancelled(deps, tx, { id: p.order.id, version: 2, listingId: p.order.listingId, ticketIds: tickets, reason }, { logger: silentLogger }));

const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);

test('a paid order: one payment of the whole total as a decimal, no refunds', async () => {
  const p = await paid({ quantity: 3, unitPriceCents: 1999 });
  const res = await receipt(p.buyer, p.order.id);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ payments: [{ id: p.paymentId, amount: 65.97, status: 'succeeded', createdAt: iso, refunds: [] }] });
});

test('a paid, complete order cancelled (not delivered): the whole total refunded, reason cancelled, with when', async () => {
  const p = await paid({ quantity: 2, unitPriceCents: 4000 });
  await complete(p);
  expect(await cancel(p, 'not_delivered')).toBe('refunded');
  const res = await receipt(p.buyer, p.order.id);
  expect(res.status).toBe(200);
  const [payment] = res.body.payments;
  expect(payment).toMatchObject({ id: p.paymentId, amount: 88, status: 'refunded' });
  expect(payment.refunds).toEqual([{ id: expect.any(String), amount: 88, status: 'succeeded', reason: 'cancelled', createdAt: iso, refundedAt: iso }]);
  expect(Date.parse(payment.refunds[0].refundedAt)).toBeGreaterThanOrEqual(Date.parse(payment.createdAt));
});

test('a payment that reached an order already ended: refund reason payment_rejected', async () => {
  const p = await paid();
  await withTransaction(db.pool, (tx) => refundRejectedPayment(deps, tx, { orderId: p.order.id, paymentId: p.paymentId }, { logger: silentLogger }));
  const res = await receipt(p.buyer, p.order.id);
  expect(res.body.payments[0]).toMatchObject({ amount: 22, status: 'refunded' });
  expect(res.body.payments[0].refunds).toEqual([expect.objectContaining({ amount: 22, status: 'succeeded', reason: 'payment_rejected' })]);
});

test('a refund the provider has not made yet is pending with no refundedAt, then succeeded once the retrier makes it', async () => {
  const p = await paid();
  await complete(p);
  gateway.refundFailures = 1;
  expect(await cancel(p, 'event_cancelled')).toBe('refund-pending');
  let res = await receipt(p.buyer, p.order.id);
  expect(res.body.payments[0]).toMatchObject({ status: 'succeeded' });
  expect(res.body.payments[0].refunds).toEqual([expect.objectContaining({ amount: 22, status: 'pending', reason: 'cancelled', refundedAt: null })]);

  await db.pool.query(`UPDATE refunds SET next_attempt_at = now() - interval '1 second' WHERE order_id = $1`, [p.order.id]);
  await retryDueRefunds(deps);
  res = await receipt(p.buyer, p.order.id);
  expect(res.body.payments[0].refunds).toEqual([expect.objectContaining({ status: 'succeeded', refundedAt: iso })]);
});

test('an order not paid yet has an empty receipt', async () => {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id });
  const res = await receipt(buyer, order.id);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ payments: [] });
});

test('only the buyer reads it: 401 signed out, 403 someone else, 404 unknown, non-UUID or missing order id', async () => {
  const p = await paid();
  expect((await receipt(null, p.order.id)).status).toBe(401);
  const other = await receipt(signedInUser(), p.order.id);
  expect(other.status).toBe(403);
  expect(JSON.stringify(other.body)).not.toContain(p.paymentId);
  expect((await receipt(p.buyer, randomUUID())).status).toBe(404);
  expect((await receipt(p.buyer, 'not-a-uuid')).status).toBe(404);
  expect((await request(app()).get('/api/payments').set('Cookie', p.buyer.cookie)).status).toBe(404);
});
