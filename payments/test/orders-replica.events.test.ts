import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { OrderCreatedEvent } from '@ticketing/common';
import { publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { findOrder } from '../src/data/orders.data';
import { startPaymentsEventHarness, type PaymentsEventHarness } from './support/payments-test-kit';

// The replica is fed over real NATS by the durable consumer 'payments' on ORDERS, exactly as in production.
let h: PaymentsEventHarness;

beforeAll(async () => {
  h = await startPaymentsEventHarness();
});
afterAll(async () => {
  await h.stop();
});

function orderCreated(over: Partial<OrderCreatedEvent> = {}): OrderCreatedEvent {
  return {
    id: randomUUID(),
    version: 0,
    status: 'created',
    userId: randomUUID(),
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    ticket: { id: randomUUID(), priceCents: 2550 },
    ...over,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const replicaOf = (id: string) => findOrder(h.db.pool, id);

test('order.created puts the order in the replica at version 0 with buyer, price and expiry; the buyer can then pay it', async () => {
  const buyer = signedInUser();
  const created = orderCreated({ userId: buyer.id, ticket: { id: randomUUID(), priceCents: 1999 } });
  await publishTestEvent(h.bus, 'order.created', created);

  const order = await waitFor(async () => (await replicaOf(created.id)) ?? false);
  expect(order).toEqual({
    id: created.id,
    version: 0,
    userId: buyer.id,
    ticketId: created.ticket.id,
    priceCents: 1999,
    status: 'created',
    expiresAt: new Date(created.expiresAt),
  });
  const res = await request(h.app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: created.id, token: 'tok_visa' });
  expect(res.status).toBe(201);
  expect(res.body.amount).toBe(19.99);
  const event = await h.published.waitFor('payment.created', (p) => p.orderId === created.id);
  expect(event.payload).toEqual({ id: res.body.id, orderId: created.id, amountCents: 1999, providerId: expect.stringMatching(/^pi_test_/) });
});

test('order.cancelled arriving before order.created is retried, not dropped: the replica ends cancelled at version 1', async () => {
  const buyer = signedInUser();
  const created = orderCreated({ userId: buyer.id });
  await publishTestEvent(h.bus, 'order.cancelled', { id: created.id, version: 1, ticket: { id: created.ticket.id }, reason: 'expired' });
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
  await publishTestEvent(h.bus, 'order.completed', { id: created.id, version: 2, ticket: { id: created.ticket.id }, paymentId: randomUUID() });
  await sleep(400);
  expect(await replicaOf(created.id)).toMatchObject({ version: 0, status: 'created' });

  await publishTestEvent(h.bus, 'order.cancelled', { id: created.id, version: 1, ticket: { id: created.ticket.id }, reason: 'cancelled' });
  await waitFor(async () => expect(await replicaOf(created.id)).toMatchObject({ version: 2, status: 'complete' }), { timeoutMs: 5000 });

  // A stale v1 (another event id, e.g. republished) and a repeated order.created are consumed (inbox) but change nothing.
  const staleIds = [
    await publishTestEvent(h.bus, 'order.cancelled', { id: created.id, version: 1, ticket: { id: created.ticket.id }, reason: 'cancelled' }),
    await publishTestEvent(h.bus, 'order.created', created),
  ];
  await waitFor(async () => {
    const { rows } = await h.db.pool.query("SELECT 1 FROM inbox WHERE consumer = 'payments' AND event_id = ANY($1::uuid[])", [staleIds]);
    return rows.length === 2;
  });
  expect(await replicaOf(created.id)).toMatchObject({ version: 2, status: 'complete' });
});
