import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { withTransaction } from '@ticketing/common';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import type { Express } from 'express';
import { settlePayment } from '../src/domain/payments';
import { createOrdersTestDatabase, ordersTestApp, outboxEvents, seatsOf, seedListing } from './support';

/**
 * Invariant 3 with no expiration service at all: a 2-second hold ends on time because orders itself treats an
 * order past expiresAt as expired, cancelling it (with its event) when its listing is ordered again or the order read.
 */

let db: TestDatabase;
let app: Express;

beforeAll(async () => {
  db = await createOrdersTestDatabase();
  app = ordersTestApp(db.pool, { holdSeconds: 2 });
});
afterAll(async () => {
  await db.drop();
});

const sleepUntil = (isoTime: string) => new Promise((r) => setTimeout(r, Math.max(0, Date.parse(isoTime) - Date.now()) + 50));
const order = (cookie: string, listingId: string, quantity: number) => request(app).post('/api/orders').set('Cookie', cookie).send({ listingId, quantity });

test('right after expiresAt the tickets are orderable again; the old order reads cancelled with order.cancelled (expired)', async () => {
  const listing = await seedListing(db.pool, { seats: seatsOf(2), split: 'all' });
  const first = signedInUser();
  const second = signedInUser();
  const held = await order(first.cookie, listing.id, 2);
  expect(held.status).toBe(201);
  expect(Date.parse(held.body.expiresAt) - Date.parse(held.body.createdAt)).toBe(2000);

  expect((await order(second.cookie, listing.id, 2)).status).toBe(409);

  await sleepUntil(held.body.expiresAt);
  const retaken = await order(second.cookie, listing.id, 2);
  expect(retaken.status).toBe(201);
  expect(retaken.body.tickets).toEqual(held.body.tickets);

  const old = await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', first.cookie);
  expect(old.body).toMatchObject({ status: 'cancelled', reason: 'expired' });
  const ticketIds = listing.tickets.map((t) => t.id);
  expect(await outboxEvents(db.pool, held.body.id)).toEqual([
    expect.objectContaining({ subject: 'order.created' }),
    expect.objectContaining({ subject: 'order.cancelled', payload: { id: held.body.id, version: 1, listingId: listing.id, ticketIds, reason: 'expired' } }),
  ]);
  const { rows } = await db.pool.query('SELECT order_id, active FROM order_tickets WHERE ticket_id = $1 ORDER BY active', [ticketIds[0]]);
  expect(rows).toEqual([{ order_id: held.body.id, active: false }, { order_id: retaken.body.id, active: true }]);
});

test('an order read after expiresAt reads cancelled, with one order.cancelled however often it is read', async () => {
  const user = signedInUser();
  const held = await order(user.cookie, (await seedListing(db.pool)).id, 2);
  expect((await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie)).body.status).toBe('created');

  await sleepUntil(held.body.expiresAt);
  const reads = await Promise.all([
    request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie),
    request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie),
    request(app).get('/api/orders').set('Cookie', user.cookie),
    request(app).get('/api/orders').set('Cookie', user.cookie),
    request(app).delete(`/api/orders/${held.body.id}`).set('Cookie', user.cookie),
  ]);
  expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 204]);
  expect(reads.slice(0, 4).map((r) => (r.body.orders ? r.body.orders[0].status : r.body.status))).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
  const cancellations = (await outboxEvents(db.pool, held.body.id)).filter((e) => e.subject === 'order.cancelled');
  expect(cancellations).toHaveLength(1);
  expect(cancellations[0]!.payload.reason).toBe('expired');
});

test('a complete order never expires: past its expiresAt its tickets stay sold and the order complete', async () => {
  const listing = await seedListing(db.pool, { priceCents: 500, seats: seatsOf(2) });
  const user = signedInUser();
  const held = await order(user.cookie, listing.id, 2);
  const paid = await withTransaction(db.pool, (tx) => settlePayment(tx, { id: randomUUID(), orderId: held.body.id, amountCents: 1100, providerId: 'pi_test' }));
  expect(paid.kind).toBe('completed');
  await sleepUntil(held.body.expiresAt);
  expect((await order(signedInUser().cookie, listing.id, 1)).status).toBe(409);
  expect((await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie)).body.status).toBe('complete');
});
