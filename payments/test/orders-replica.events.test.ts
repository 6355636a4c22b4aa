import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LEGACY_EVENT_ID } from '@ticketing/common';
import { publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { findOrder } from '../src/data/orders.data';
import { orderCreatedEvent as orderCreated, publishRawEvent, startPaymentsEventHarness, type PaymentsEventHarness } from './support/payments-test-kit';

// The replica is fed over real NATS by the durable consumer 'payments' on ORDERS, exactly as in production.
let h: PaymentsEventHarness;

beforeAll(async () => {
  h = await startPaymentsEventHarness();
});
afterAll(async () => {
  await h.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const replicaOf = (id: string) => findOrder(h.db.pool, id);

test('order.created v2 puts the order in the replica at version 0 with buyer, listing, prices and expiry; paying it charges its total', async () => {
  const buyer = signedInUser();
  // 3 × 19.99 = 59.97, buyer fee 10 % = 5.997 → 6.00, total 65.97; seller fee 5 % = 2.9985 → 3.00.
  const created = orderCreated({ userId: buyer.id, quantity: 3, unitPriceCents: 1999 });
  expect(created).toMatchObject({ buyerFeeCents: 600, sellerFeeCents: 300, totalCents: 6597 });
  await publishTestEvent(h.bus, 'order.created', created);

  const order = await waitFor(async () => (await replicaOf(created.id)) ?? false);
  expect(order).toEqual({
    id: created.id,
    version: 0,
    userId: buyer.id,
    listingId: created.listingId,
    eventId: created.eventId,
    sellerId: created.sellerId,
    quantity: 3,
    unitPriceCents: 1999,
    buyerFeeCents: 600,
    sellerFeeCents: 300,
    totalCents: 6597,
    status: 'created',
    expiresAt: new Date(created.expiresAt),
  });
  const res = await request(h.app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: created.id, token: 'tok_visa' });
  expect(res.status).toBe(201);
  expect(res.body.amount).toBe(65.97);
  const event = await h.published.waitFor('payment.created', (p) => p.orderId === created.id);
  expect(event.payload).toEqual({ id: res.body.id, orderId: created.id, amountCents: 6597, providerId: expect.stringMatching(/^pi_test_/) });
});

test('an order.created v1 still in the stream (published before the upgrade) lands upcast: one ticket at its price, no fees, payable', async () => {
  const buyer = signedInUser();
  const ticketId = randomUUID();
  const v1 = { id: randomUUID(), version: 0, status: 'created', userId: buyer.id, expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(), ticket: { id: ticketId, priceCents: 2550 } };
  // On the wire as the previous orders process published it, before this deployment.
  await publishRawEvent(h.bus, 'order.created', v1);

  const order = await waitFor(async () => (await replicaOf(v1.id)) ?? false);
  expect(order).toMatchObject({
    userId: buyer.id,
    listingId: ticketId,
    eventId: LEGACY_EVENT_ID,
    quantity: 1,
    unitPriceCents: 2550,
    buyerFeeCents: 0,
    sellerFeeCents: 0,
    totalCents: 2550,
    status: 'created',
  });
  const res = await request(h.app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: v1.id, token: 'tok_visa' });
  expect(res.status).toBe(201);
  expect(res.body.amount).toBe(25.5);
  // Its follow-ups may be v1 too (order.completed naming `ticket`): they apply on top, as v2 ones do.
  await publishRawEvent(h.bus, 'order.completed', { id: v1.id, version: 1, ticket: { id: ticketId }, paymentId: res.body.id });
  await waitFor(async () => expect(await replicaOf(v1.id)).toMatchObject({ version: 1, status: 'complete' }), { timeoutMs: 5000 });
});

test('order.cancelled arriving before order.created is retried, not dropped: the replica ends cancelled at version 1', async () => {
  const buyer = signedInUser();
  const created = orderCreated({ userId: buyer.id });
  await publishTestEvent(h.bus, 'order.cancelled', { id: created.id, version: 1, listingId: created.listingId, ticketIds: created.tickets.map((t) => t.id), reason: 'expired' });
  await sleep(400); // several redeliveries happen meanwhile; none may apply
  expect(await replicaOf(created.id)).toBeNull();

  await publishTestEvent(h.bus, 'order.created', created);
  await waitFor(async () => expect(await replicaOf(created.id)).toMatchObject({ version: 1, status: 'cancelled' }), { timeoutMs: 5000 });
  const res = await request(h.app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: created.id, token: 'tok_visa' });
  expect(res.status).toBe(409);
});

test('version 2 waits for version 1 (early event retried), and stale or repeated versions are ignored', async () => {
  const created = orderCreated();
  await publishTestEvent(h.bus, 'order.created', created);
  await waitFor(async () => (await replicaOf(created.id)) !== null);

  // v2 before v1: not applicable yet.
  await publishTestEvent(h.bus, 'order.completed', { id: created.id, version: 2, listingId: created.listingId, ticketIds: created.tickets.map((t) => t.id), paymentId: randomUUID() });
  await sleep(400);
  expect(await replicaOf(created.id)).toMatchObject({ version: 0, status: 'created' });

  await publishTestEvent(h.bus, 'order.cancelled', { id: created.id, version: 1, listingId: created.listingId, ticketIds: created.tickets.map((t) => t.id), reason: 'cancelled' });
  await waitFor(async () => expect(await replicaOf(created.id)).toMatchObject({ version: 2, status: 'complete' }), { timeoutMs: 5000 });

  // A stale v1 (another event id, e.g. republished) and a repeated order.created are consumed (inbox) but change nothing.
  const staleIds = [
    await publishTestEvent(h.bus, 'order.cancelled', { id: created.id, version: 1, listingId: created.listingId, ticketIds: created.tickets.map((t) => t.id), reason: 'cancelled' }),
    await publishTestEvent(h.bus, 'order.created', created),
  ];
  await waitFor(async () => {
    const { rows } = await h.db.pool.query("SELECT 1 FROM inbox WHERE consumer = 'payments' AND event_id = ANY($1::uuid[])", [staleIds]);
    return rows.length === 2;
  });
  expect(await replicaOf(created.id)).toMatchObject({ version: 2, status: 'complete' });
});
