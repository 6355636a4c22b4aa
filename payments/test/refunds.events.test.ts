import request from 'supertest';
import { publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { findPayment } from '../src/data/payments.data';
import { retryDueRefunds } from '../src/domain/refunds';
import { count, seedOrder, startPaymentsEventHarness, type PaymentsEventHarness } from './support/payments-test-kit';

// Invariant 6, the refund half: orders answers a late payment with order.payment_rejected over real NATS; payments
// refunds it through the gateway (key = payment id) and publishes payment.refunded through its outbox and relay.
// The consumer gives up on a message after 3 deliveries here, to show a refund outlives its message.
let h: PaymentsEventHarness;

beforeAll(async () => {
  h = await startPaymentsEventHarness({ maxDeliver: 3 });
});
afterAll(async () => {
  await h.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function paidOrder(quantity = 1, unitPriceCents = 1999): Promise<{ orderId: string; paymentId: string; totalCents: number }> {
  const buyer = signedInUser();
  const order = await seedOrder(h.db.pool, { userId: buyer.id, quantity, unitPriceCents });
  const res = await request(h.app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token: 'tok_visa' });
  expect(res.status).toBe(201);
  return { orderId: order.id, paymentId: res.body.id as string, totalCents: order.totalCents };
}

const providerRefundsOf = (paymentId: string) => count(h.db.pool, 'SELECT 1 FROM test_gateway_refunds WHERE idempotency_key = $1', [paymentId]);
const refundedEventsOf = (paymentId: string) => h.published.of('payment.refunded').filter((p) => p.id === paymentId);

test('order.payment_rejected → the whole charge (k × unit + fee) refunded at the provider with key = payment id, payment marked refunded, payment.refunded published', async () => {
  // 3 × 19.99 = 59.97 + 6.00 buyer fee: the buyer gets back all they paid, fee included.
  const { orderId, paymentId, totalCents } = await paidOrder(3, 1999);
  expect(totalCents).toBe(6597);
  await publishTestEvent(h.bus, 'order.payment_rejected', { orderId, paymentId });

  const event = await h.published.waitFor('payment.refunded', (p) => p.id === paymentId);
  expect(event.payload).toEqual({ id: paymentId, orderId, refundId: expect.stringMatching(/^re_test_/) });
  expect(await findPayment(h.db.pool, paymentId)).toMatchObject({ status: 'refunded' });
  expect(h.gateway.refunds.filter((r) => r.idempotencyKey === paymentId)).toEqual([
    { providerId: expect.stringMatching(/^pi_test_/), amountCents: 6597, idempotencyKey: paymentId },
  ]);
  const { rows } = await h.db.pool.query('SELECT id, amount_cents FROM test_gateway_refunds WHERE idempotency_key = $1', [paymentId]);
  expect(rows).toEqual([{ id: event.payload.refundId, amount_cents: 6597 }]);

  // orders repeating itself (another event id) refunds nothing more and publishes nothing more.
  await publishTestEvent(h.bus, 'order.payment_rejected', { orderId, paymentId });
  await sleep(500);
  expect(await providerRefundsOf(paymentId)).toBe(1);
  expect(refundedEventsOf(paymentId)).toHaveLength(1);
});

test('the provider failing twice: the message is redelivered until the refund goes through; refunded once, one event', async () => {
  const { orderId, paymentId } = await paidOrder(2, 3000);
  h.gateway.refundFailures = 2;
  await publishTestEvent(h.bus, 'order.payment_rejected', { orderId, paymentId });

  await h.published.waitFor('payment.refunded', (p) => p.id === paymentId, { timeoutMs: 10_000 });
  const calls = h.gateway.refunds.filter((r) => r.idempotencyKey === paymentId);
  expect(calls).toHaveLength(3);
  expect(await providerRefundsOf(paymentId)).toBe(1);
  const { rows } = await h.db.pool.query('SELECT status, attempts FROM refunds WHERE payment_id = $1', [paymentId]);
  expect(rows).toEqual([{ status: 'succeeded', attempts: 3 }]);
  await sleep(300);
  expect(refundedEventsOf(paymentId)).toHaveLength(1);
});

test('the provider down beyond max_deliver: the message is given up, the pending refund is not; the retrier finishes it', async () => {
  const { orderId, paymentId } = await paidOrder(1, 4500);
  h.gateway.refundFailures = 1000;
  await publishTestEvent(h.bus, 'order.payment_rejected', { orderId, paymentId });

  await waitFor(() => h.gateway.refunds.filter((r) => r.idempotencyKey === paymentId).length === 3, { timeoutMs: 10_000 });
  await sleep(800); // a 4th delivery would have come by now
  expect(h.gateway.refunds.filter((r) => r.idempotencyKey === paymentId)).toHaveLength(3);
  const pending = await h.db.pool.query('SELECT status, attempts, last_error FROM refunds WHERE payment_id = $1', [paymentId]);
  expect(pending.rows).toEqual([{ status: 'pending', attempts: 3, last_error: expect.stringMatching(/ECONNREFUSED/) }]);
  expect(await findPayment(h.db.pool, paymentId)).toMatchObject({ status: 'succeeded' });

  // The provider is back. Fast-forward the retrier's schedule instead of waiting out its back-off.
  h.gateway.refundFailures = 0;
  await h.db.pool.query('UPDATE refunds SET next_attempt_at = now() WHERE payment_id = $1', [paymentId]);
  expect(await retryDueRefunds(h.refundDeps)).toEqual({ refunded: 1, failed: 0 });

  await h.published.waitFor('payment.refunded', (p) => p.id === paymentId);
  expect(await findPayment(h.db.pool, paymentId)).toMatchObject({ status: 'refunded' });
  expect(await providerRefundsOf(paymentId)).toBe(1);
  expect(await retryDueRefunds(h.refundDeps)).toEqual({ refunded: 0, failed: 0 });
});

test('a rejection naming a payment we do not have is logged and dropped (acked), not retried forever', async () => {
  const { orderId } = await paidOrder();
  const eventId = await publishTestEvent(h.bus, 'order.payment_rejected', { orderId, paymentId: '00000000-0000-4000-8000-000000000000' });
  await waitFor(async () => (await count(h.db.pool, 'SELECT 1 FROM inbox WHERE event_id = $1', [eventId])) === 1);
  expect(await count(h.db.pool, 'SELECT 1 FROM refunds WHERE order_id = $1', [orderId])).toBe(0);
});
