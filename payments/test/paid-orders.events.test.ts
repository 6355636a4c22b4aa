import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { CancellationReason } from '@ticketing/common';
import { publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { findPayment } from '../src/data/payments.data';
import { findPayout } from '../src/data/payouts.data';
import { startPaymentsSweeper } from '../src/domain/payments-sweeper';
import { count, seedOrder, silentLogger, startPaymentsEventHarness, type PaymentsEventHarness } from './support/payments-test-kit';

// Invariants 6 and 7 for paid orders, over real NATS: order.completed makes the seller's payout; a paid order's
// order.cancelled (not delivered, event cancelled) refunds everything the buyer paid, fees included, exactly once,
// and cancels the payout in the transaction that records the refund. A provider failure leaves the refund to the
// payments sweeper.
let h: PaymentsEventHarness;

beforeAll(async () => {
  h = await startPaymentsEventHarness();
});
afterAll(async () => {
  await h.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PaidOrder {
  orderId: string;
  paymentId: string;
  listingId: string;
  totalCents: number;
  sellerFeeCents: number;
  sellerId: string;
}

/** A replica order of 3 × 19.99 (59.97 + 6.00 buyer fee = 65.97; seller fee 3.00), paid with tok_visa. */
async function paidOrder(): Promise<PaidOrder> {
  const buyer = signedInUser();
  const order = await seedOrder(h.db.pool, { userId: buyer.id, quantity: 3, unitPriceCents: 1999 });
  const res = await request(h.app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token: 'tok_visa' });
  expect(res.status).toBe(201);
  const sellerId = order.sellerId!;
  return { orderId: order.id, paymentId: res.body.id, listingId: order.listingId, totalCents: order.totalCents, sellerFeeCents: order.sellerFeeCents, sellerId };
}

const ticketIds = [randomUUID(), randomUUID(), randomUUID()];
const completed = (o: PaidOrder) => publishTestEvent(h.bus, 'order.completed', { id: o.orderId, version: 1, listingId: o.listingId, ticketIds, paymentId: o.paymentId });
const cancelled = (o: PaidOrder, reason: CancellationReason, version = 2) =>
  publishTestEvent(h.bus, 'order.cancelled', { id: o.orderId, version, listingId: o.listingId, ticketIds, reason });
const handled = (eventId: string) => waitFor(async () => (await count(h.db.pool, 'SELECT 1 FROM inbox WHERE event_id = $1', [eventId])) === 1);
const replicaStatus = async (orderId: string) => (await h.db.pool.query('SELECT status, version FROM orders WHERE id = $1', [orderId])).rows[0];
const providerRefunds = (paymentId: string) => h.gateway.refunds.filter((r) => r.idempotencyKey === paymentId);
const refundedEvents = (paymentId: string) => h.published.of('payment.refunded').filter((p) => p.id === paymentId);

test('order.completed → a pending payout of the seller share: 3 × 19.99 − 3.00 seller fee = 56.97; a repeat adds nothing', async () => {
  const o = await paidOrder();
  await handled(await completed(o));
  expect(await findPayout(h.db.pool, o.orderId)).toEqual({
    orderId: o.orderId, sellerId: o.sellerId, amountCents: 5697, feeCents: 300, status: 'pending', createdAt: expect.any(Date), cancelledAt: null,
  });
  expect(o.sellerFeeCents).toBe(300);
  await handled(await completed(o));
  expect(await count(h.db.pool, 'SELECT 1 FROM payouts WHERE order_id = $1', [o.orderId])).toBe(1);
});

test.each(['not_delivered', 'event_cancelled'] as const)(
  'order.cancelled (%s) of a complete order → the whole total (k × unit + buyer fee) refunded once, payout cancelled with the refund; redelivered → nothing more',
  async (reason) => {
    const o = await paidOrder();
    expect(o.totalCents).toBe(6597);
    await handled(await completed(o));
    await cancelled(o, reason);

    const event = await h.published.waitFor('payment.refunded', (p) => p.id === o.paymentId);
    expect(event.payload).toEqual({ id: o.paymentId, orderId: o.orderId, refundId: expect.stringMatching(/^re_test_/) });
    expect(providerRefunds(o.paymentId)).toEqual([{ providerId: expect.stringMatching(/^pi_test_/), amountCents: 6597, idempotencyKey: o.paymentId }]);
    expect(await findPayment(h.db.pool, o.paymentId)).toMatchObject({ status: 'refunded', amountCents: 6597 });
    const { rows: refunds } = await h.db.pool.query('SELECT amount_cents, status, created_at FROM refunds WHERE order_id = $1', [o.orderId]);
    expect(refunds).toEqual([{ amount_cents: 6597, status: 'succeeded', created_at: expect.any(Date) }]);
    const payout = await findPayout(h.db.pool, o.orderId);
    expect(payout).toMatchObject({ status: 'cancelled', amountCents: 5697 });
    // One transaction recorded the refund and cancelled the payout: the same now().
    expect(payout!.cancelledAt).toEqual(refunds[0].created_at);
    expect(await replicaStatus(o.orderId)).toEqual({ status: 'cancelled', version: 2 });

    // The same cancellation again (a new event id: orders' relay republished it).
    await handled(await cancelled(o, reason));
    await sleep(300);
    expect(providerRefunds(o.paymentId)).toHaveLength(1);
    expect(refundedEvents(o.paymentId)).toHaveLength(1);
    expect(await count(h.db.pool, 'SELECT 1 FROM test_gateway_refunds WHERE idempotency_key = $1', [o.paymentId])).toBe(1);
  },
);

test('order.cancelled before its order.completed: waits for it, then the payout is made and cancelled, the total refunded once', async () => {
  const o = await paidOrder();
  await cancelled(o, 'not_delivered');
  await sleep(400);
  expect(await replicaStatus(o.orderId)).toEqual({ status: 'created', version: 0 });
  expect(providerRefunds(o.paymentId)).toHaveLength(0);
  await completed(o);
  await h.published.waitFor('payment.refunded', (p) => p.id === o.paymentId, { timeoutMs: 10_000 });
  expect(await findPayout(h.db.pool, o.orderId)).toMatchObject({ status: 'cancelled' });
  expect(providerRefunds(o.paymentId)).toEqual([expect.objectContaining({ amountCents: 6597 })]);
});

test('the provider down: the cancellation is applied, the refund stays pending (payout already cancelled); the payments sweeper completes it once', async () => {
  const o = await paidOrder();
  await handled(await completed(o));
  h.gateway.refundFailures = 1000;
  await handled(await cancelled(o, 'not_delivered'));

  expect(await replicaStatus(o.orderId)).toEqual({ status: 'cancelled', version: 2 });
  const { rows: pending } = await h.db.pool.query('SELECT status, attempts, last_error FROM refunds WHERE order_id = $1', [o.orderId]);
  expect(pending).toEqual([{ status: 'pending', attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED/) }]);
  expect(await findPayout(h.db.pool, o.orderId)).toMatchObject({ status: 'cancelled' });
  expect(await findPayment(h.db.pool, o.paymentId)).toMatchObject({ status: 'succeeded' });

  const sweeper = startPaymentsSweeper({ pool: h.db.pool, gateway: h.gateway, logger: silentLogger, intervalMs: 200 });
  try {
    // Still down: the sweeper tries and fails (its back-off fast-forwarded), the refund stays owed.
    await h.db.pool.query('UPDATE refunds SET next_attempt_at = now() WHERE order_id = $1', [o.orderId]);
    await waitFor(() => providerRefunds(o.paymentId).length >= 2);
    h.gateway.refundFailures = 0;
    await h.db.pool.query('UPDATE refunds SET next_attempt_at = now() WHERE order_id = $1', [o.orderId]);
    await h.published.waitFor('payment.refunded', (p) => p.id === o.paymentId, { timeoutMs: 10_000 });
  } finally {
    await sweeper.stop();
  }
  expect(await findPayment(h.db.pool, o.paymentId)).toMatchObject({ status: 'refunded' });
  expect(await count(h.db.pool, 'SELECT 1 FROM test_gateway_refunds WHERE idempotency_key = $1', [o.paymentId])).toBe(1);
  const { rows } = await h.db.pool.query('SELECT status, amount_cents FROM refunds WHERE order_id = $1', [o.orderId]);
  expect(rows).toEqual([{ status: 'succeeded', amount_cents: 6597 }]);
  await sleep(300);
  expect(refundedEvents(o.paymentId)).toHaveLength(1);
});

test('the cancellation of an unpaid order (a lapsed hold) refunds nothing and makes no payout', async () => {
  const order = await seedOrder(h.db.pool);
  await handled(await publishTestEvent(h.bus, 'order.cancelled', { id: order.id, version: 1, listingId: order.listingId, ticketIds, reason: 'expired' }));
  expect(await replicaStatus(order.id)).toEqual({ status: 'cancelled', version: 1 });
  expect(await count(h.db.pool, 'SELECT 1 FROM refunds WHERE order_id = $1', [order.id])).toBe(0);
  expect(await findPayout(h.db.pool, order.id)).toBeNull();
});
