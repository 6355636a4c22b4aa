import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { withTransaction } from '@ticketing/common';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import type { Express } from 'express';
import { settlePayment } from '../src/domain/payments';
import { applyTicketUpdated } from '../src/domain/tickets-replica';
import { createOrdersTestDatabase, ordersTestApp, outboxEvents, seedTicket } from './support';

let db: TestDatabase;
let app: Express;

beforeAll(async () => {
  db = await createOrdersTestDatabase();
  app = ordersTestApp(db.pool);
});
afterAll(async () => {
  await db.drop();
});

const buyer = () => signedInUser();

async function placeOrder(cookie: string, ticketId: string) {
  return request(app).post('/api/orders').set('Cookie', cookie).send({ ticketId });
}

async function countOrders(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  return rows[0]!.n;
}

describe('POST /api/orders', () => {
  test('201: holds the ticket for ORDER_EXPIRATION_SECONDS and records order.created in the same transaction', async () => {
    const ticket = await seedTicket(db.pool, { title: 'Fado night', priceCents: 4550 });
    const user = buyer();
    const before = Date.now();
    const res = await placeOrder(user.cookie, ticket.id);

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      status: 'created',
      userId: user.id,
      expiresAt: expect.any(String),
      ticket: { id: ticket.id, title: 'Fado night', price: 45.5 },
      createdAt: expect.any(String),
    });
    const holdMs = Date.parse(res.body.expiresAt) - before;
    expect(holdMs).toBeGreaterThan(899_000);
    expect(holdMs).toBeLessThan(905_000);

    const events = await outboxEvents(db.pool, res.body.id);
    expect(events.map((e) => e.subject)).toEqual(['order.created']);
    expect(events[0]!.payload).toEqual({
      id: res.body.id,
      version: 0,
      status: 'created',
      userId: user.id,
      expiresAt: res.body.expiresAt,
      ticket: { id: ticket.id, priceCents: 4550 },
    });
  });

  test('401 when not signed in; nothing stored', async () => {
    const ticket = await seedTicket(db.pool);
    const n = await countOrders();
    const res = await request(app).post('/api/orders').send({ ticketId: ticket.id });
    expect(res.status).toBe(401);
    expect(await countOrders()).toBe(n);
  });

  test.each([
    ['missing', {}],
    ['not a UUID', { ticketId: 'ticket-1' }],
    ['a number', { ticketId: 42 }],
    ['null', { ticketId: null }],
  ])('400 naming ticketId when the id is %s; nothing stored', async (_case, body) => {
    const n = await countOrders();
    const res = await request(app).post('/api/orders').set('Cookie', buyer().cookie).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: expect.any(String), field: 'ticketId' }]);
    expect(await countOrders()).toBe(n);
  });

  test('400 when ordering your own ticket; nothing stored', async () => {
    const seller = buyer();
    const ticket = await seedTicket(db.pool, { userId: seller.id });
    const res = await placeOrder(seller.cookie, ticket.id);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: 'You cannot order your own ticket', field: 'ticketId' }]);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE ticket_id = $1', [ticket.id]);
    expect(rows[0].n).toBe(0);
  });

  test('404 when the ticket is not (yet) in the replica', async () => {
    const res = await placeOrder(buyer().cookie, randomUUID());
    expect(res.status).toBe(404);
  });

  test('409 when another order holds the ticket, and for the holder ordering it twice; the hold is unchanged', async () => {
    const ticket = await seedTicket(db.pool);
    const first = buyer();
    const held = await placeOrder(first.cookie, ticket.id);
    expect(held.status).toBe(201);

    const other = await placeOrder(buyer().cookie, ticket.id);
    expect(other.status).toBe(409);
    expect(other.body.errors[0].message).toMatch(/held by another order or already sold/);
    expect((await placeOrder(first.cookie, ticket.id)).status).toBe(409);

    const { rows } = await db.pool.query('SELECT id, status FROM orders WHERE ticket_id = $1', [ticket.id]);
    expect(rows).toEqual([{ id: held.body.id, status: 'created' }]);
  });

  test('409 once the ticket is sold (its order complete), even after the hold would have expired', async () => {
    const ticket = await seedTicket(db.pool, { priceCents: 1000 });
    const order = await placeOrder(buyer().cookie, ticket.id);
    await withTransaction(db.pool, (tx) =>
      settlePayment(tx, { id: randomUUID(), orderId: order.body.id, amountCents: 1000, providerId: 'pi_test' }),
    );
    await db.pool.query("UPDATE orders SET expires_at = now() - interval '1 hour' WHERE id = $1", [order.body.id]);
    expect((await placeOrder(buyer().cookie, ticket.id)).status).toBe(409);
  });

  test('the ticket is orderable again once its order is cancelled', async () => {
    const ticket = await seedTicket(db.pool);
    const first = buyer();
    const order = await placeOrder(first.cookie, ticket.id);
    expect((await request(app).delete(`/api/orders/${order.body.id}`).set('Cookie', first.cookie)).status).toBe(204);
    expect((await placeOrder(buyer().cookie, ticket.id)).status).toBe(201);
  });

  test('the price is fixed at creation: a later price change reaches the replica but not the order', async () => {
    const ticket = await seedTicket(db.pool, { priceCents: 1000 });
    const user = buyer();
    const order = await placeOrder(user.cookie, ticket.id);
    const outcome = await withTransaction(db.pool, (tx) =>
      applyTicketUpdated(tx, { ...ticket, version: 1, priceCents: 9900, title: 'Renamed', orderId: order.body.id, status: 'reserved' }),
    );
    expect(outcome).toBe('applied');

    const read = await request(app).get(`/api/orders/${order.body.id}`).set('Cookie', user.cookie);
    expect(read.body.ticket).toEqual({ id: ticket.id, title: 'Renamed', price: 10 });
    const { rows } = await db.pool.query('SELECT price_cents FROM tickets WHERE id = $1', [ticket.id]);
    expect(rows[0].price_cents).toBe(9900);
  });
});

describe('GET /api/orders', () => {
  test("200 with only the caller's orders, newest first", async () => {
    const user = buyer();
    const a = await placeOrder(user.cookie, (await seedTicket(db.pool)).id);
    const b = await placeOrder(user.cookie, (await seedTicket(db.pool)).id);
    await placeOrder(buyer().cookie, (await seedTicket(db.pool)).id);

    const res = await request(app).get('/api/orders').set('Cookie', user.cookie);
    expect(res.status).toBe(200);
    expect(res.body.map((o: { id: string }) => o.id)).toEqual([b.body.id, a.body.id]);
    expect(res.body[0]).toEqual(b.body);
  });

  test('200 with an empty list for a new user; 401 when not signed in', async () => {
    expect((await request(app).get('/api/orders').set('Cookie', buyer().cookie)).body).toEqual([]);
    expect((await request(app).get('/api/orders')).status).toBe(401);
  });
});

describe('GET /api/orders/:id', () => {
  test('200 for the buyer, 403 for anyone else, 401 when not signed in', async () => {
    const user = buyer();
    const order = await placeOrder(user.cookie, (await seedTicket(db.pool)).id);
    const own = await request(app).get(`/api/orders/${order.body.id}`).set('Cookie', user.cookie);
    expect(own.status).toBe(200);
    expect(own.body).toEqual(order.body);
    expect((await request(app).get(`/api/orders/${order.body.id}`).set('Cookie', buyer().cookie)).status).toBe(403);
    expect((await request(app).get(`/api/orders/${order.body.id}`)).status).toBe(401);
  });

  test('404 for an unknown id and for a path id that is not a UUID', async () => {
    const cookie = buyer().cookie;
    expect((await request(app).get(`/api/orders/${randomUUID()}`).set('Cookie', cookie)).status).toBe(404);
    expect((await request(app).get('/api/orders/not-a-uuid').set('Cookie', cookie)).status).toBe(404);
  });
});

describe('DELETE /api/orders/:id', () => {
  test('204: the order is cancelled (reason cancelled) with order.cancelled; a second DELETE changes nothing', async () => {
    const ticket = await seedTicket(db.pool);
    const user = buyer();
    const order = await placeOrder(user.cookie, ticket.id);

    const res = await request(app).delete(`/api/orders/${order.body.id}`).set('Cookie', user.cookie);
    expect(res.status).toBe(204);
    expect((await request(app).get(`/api/orders/${order.body.id}`).set('Cookie', user.cookie)).body.status).toBe('cancelled');
    const cancelled = { subject: 'order.cancelled', payload: { id: order.body.id, version: 1, ticket: { id: ticket.id }, reason: 'cancelled' } };
    expect(await outboxEvents(db.pool, order.body.id)).toEqual([
      expect.objectContaining({ subject: 'order.created' }),
      expect.objectContaining(cancelled),
    ]);

    expect((await request(app).delete(`/api/orders/${order.body.id}`).set('Cookie', user.cookie)).status).toBe(204);
    expect(await outboxEvents(db.pool, order.body.id)).toHaveLength(2);
  });

  test("403 for someone else's order, which stays held; 401 when not signed in", async () => {
    const order = await placeOrder(buyer().cookie, (await seedTicket(db.pool)).id);
    expect((await request(app).delete(`/api/orders/${order.body.id}`).set('Cookie', buyer().cookie)).status).toBe(403);
    expect((await request(app).delete(`/api/orders/${order.body.id}`)).status).toBe(401);
    const { rows } = await db.pool.query('SELECT status FROM orders WHERE id = $1', [order.body.id]);
    expect(rows[0].status).toBe('created');
  });

  test('404 for an unknown id and for a path id that is not a UUID', async () => {
    const cookie = buyer().cookie;
    expect((await request(app).delete(`/api/orders/${randomUUID()}`).set('Cookie', cookie)).status).toBe(404);
    expect((await request(app).delete('/api/orders/123').set('Cookie', cookie)).status).toBe(404);
  });

  test('409 when the order is complete; it stays complete and nothing is published', async () => {
    const user = buyer();
    const order = await placeOrder(user.cookie, (await seedTicket(db.pool, { priceCents: 700 })).id);
    await withTransaction(db.pool, (tx) => settlePayment(tx, { id: randomUUID(), orderId: order.body.id, amountCents: 700, providerId: 'pi_x' }));

    const res = await request(app).delete(`/api/orders/${order.body.id}`).set('Cookie', user.cookie);
    expect(res.status).toBe(409);
    expect((await request(app).get(`/api/orders/${order.body.id}`).set('Cookie', user.cookie)).body.status).toBe('complete');
    expect((await outboxEvents(db.pool, order.body.id)).map((e) => e.subject)).toEqual(['order.created', 'order.completed']);
  });
});
