import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { withTransaction } from '@ticketing/common';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import type { Express } from 'express';
import { settlePayment } from '../src/domain/payments';
import { createOrdersTestDatabase, ordersTestApp, outboxEvents, seedTicket } from './support';

/**
 * Invariant 2 with no expiration service at all: a 2-second hold ends on time because orders itself treats an
 * order past expiresAt as expired, cancelling it (with its event) when the ticket is ordered again or the order read.
 */

let db: TestDatabase;
let app: Express;

beforeAll(async () => {
  db = await createOrdersTestDatabase();
  app = ordersTestApp(db.pool, { orderExpirationSeconds: 2 });
});
afterAll(async () => {
  await db.drop();
});

const sleepUntil = (isoTime: string) => new Promise((r) => setTimeout(r, Math.max(0, Date.parse(isoTime) - Date.now()) + 50));

test('right after expiresAt the ticket is orderable again; the old order reads cancelled with order.cancelled (expired)', async () => {
  const ticket = await seedTicket(db.pool);
  const first = signedInUser();
  const second = signedInUser();
  const held = await request(app).post('/api/orders').set('Cookie', first.cookie).send({ ticketId: ticket.id });
  expect(held.status).toBe(201);
  expect(Date.parse(held.body.expiresAt) - Date.parse(held.body.createdAt)).toBe(2000);

  expect((await request(app).post('/api/orders').set('Cookie', second.cookie).send({ ticketId: ticket.id })).status).toBe(409);

  await sleepUntil(held.body.expiresAt);
  const retaken = await request(app).post('/api/orders').set('Cookie', second.cookie).send({ ticketId: ticket.id });
  expect(retaken.status).toBe(201);

  const old = await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', first.cookie);
  expect(old.body.status).toBe('cancelled');
  expect(await outboxEvents(db.pool, held.body.id)).toEqual([
    expect.objectContaining({ subject: 'order.created' }),
    expect.objectContaining({ subject: 'order.cancelled', payload: { id: held.body.id, version: 1, ticket: { id: ticket.id }, reason: 'expired' } }),
  ]);
  const { rows } = await db.pool.query('SELECT cancel_reason FROM orders WHERE id = $1', [held.body.id]);
  expect(rows[0].cancel_reason).toBe('expired');
});

test('an order read after expiresAt reads cancelled, with one order.cancelled however often it is read', async () => {
  const user = signedInUser();
  const held = await request(app).post('/api/orders').set('Cookie', user.cookie).send({ ticketId: (await seedTicket(db.pool)).id });
  expect((await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie)).body.status).toBe('created');

  await sleepUntil(held.body.expiresAt);
  const reads = await Promise.all([
    request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie),
    request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie),
    request(app).get('/api/orders').set('Cookie', user.cookie),
    request(app).get('/api/orders').set('Cookie', user.cookie),
  ]);
  expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  expect(reads.map((r) => (Array.isArray(r.body) ? r.body[0].status : r.body.status))).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
  const cancellations = (await outboxEvents(db.pool, held.body.id)).filter((e) => e.subject === 'order.cancelled');
  expect(cancellations).toHaveLength(1);
  expect(cancellations[0]!.payload.reason).toBe('expired');
});

test('a complete order never expires: past its expiresAt the ticket stays sold and the order complete', async () => {
  const ticket = await seedTicket(db.pool, { priceCents: 500 });
  const user = signedInUser();
  const held = await request(app).post('/api/orders').set('Cookie', user.cookie).send({ ticketId: ticket.id });
  const paid = await withTransaction(db.pool, (tx) =>
    settlePayment(tx, { id: randomUUID(), orderId: held.body.id, amountCents: 500, providerId: 'pi_test' }),
  );
  expect(paid.kind).toBe('completed');
  await sleepUntil(held.body.expiresAt);
  expect((await request(app).post('/api/orders').set('Cookie', signedInUser().cookie).send({ ticketId: ticket.id })).status).toBe(409);
  expect((await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie)).body.status).toBe('complete');
});
