import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { withTransaction } from '@ticketing/common';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import type { Express } from 'express';
import { settlePayment } from '../src/domain/payments';
import { applyListingChanged } from '../src/domain/listings-replica';
import { createOrdersTestDatabase, ordersTestApp, outboxEvents, seatsOf, seedEvent, seedListing } from './support';

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

function order(cookie: string, listingId: string, quantity: unknown = 1) {
  return request(app).post('/api/orders').set('Cookie', cookie).send({ listingId, quantity });
}

async function countOrders(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  return rows[0]!.n;
}

const pay = (orderId: string, amountCents: number) =>
  withTransaction(db.pool, (tx) => settlePayment(tx, { id: randomUUID(), orderId, amountCents, providerId: 'pi_test' }));

describe('POST /api/orders', () => {
  test('201: holds k adjacent seats for ORDER_EXPIRATION_SECONDS, fixes price and fees, records order.created v2 in the same transaction', async () => {
    const event = await seedEvent(db.pool, { name: 'Nina Simone tribute' });
    const listing = await seedListing(db.pool, { eventId: event.id, seats: seatsOf(4), priceCents: 4550, section: 'Block 512', row: 'F' });
    const user = buyer();
    const before = Date.now();
    const res = await order(user.cookie, listing.id, 2);

    expect(res.status).toBe(201);
    const [t1, t2] = listing.tickets;
    expect(res.body).toEqual({
      id: expect.any(String),
      status: 'created',
      reason: null,
      userId: user.id,
      listingId: listing.id,
      sellerId: listing.sellerId,
      event: { id: event.id, name: 'Nina Simone tribute', startsAt: new Date(event.startsAt).toISOString(), timeZone: 'Europe/Lisbon', venue: event.venue },
      section: 'Block 512',
      row: 'F',
      tickets: [{ id: t1!.id, seat: 'F1' }, { id: t2!.id, seat: 'F2' }],
      quantity: 2,
      unitPrice: 45.5,
      buyerFee: 9.1,
      total: 100.1,
      expiresAt: expect.any(String),
      delivery: { status: 'pending', deadline: null, deliveredAt: null },
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
      listingId: listing.id,
      eventId: event.id,
      sellerId: listing.sellerId,
      expiresAt: res.body.expiresAt,
      tickets: [{ id: t1!.id, seat: 'F1' }, { id: t2!.id, seat: 'F2' }],
      quantity: 2,
      unitPriceCents: 4550,
      buyerFeeCents: 910,
      sellerFeeCents: 455,
      totalCents: 10010,
    });
  });

  test('401 when not signed in; nothing stored', async () => {
    const listing = await seedListing(db.pool);
    const n = await countOrders();
    const res = await request(app).post('/api/orders').send({ listingId: listing.id, quantity: 1 });
    expect(res.status).toBe(401);
    expect(await countOrders()).toBe(n);
  });

  test.each([
    ['listingId missing', { quantity: 1 }, 'listingId'],
    ['listingId not a UUID', { listingId: 'listing-1', quantity: 1 }, 'listingId'],
    ['listingId a number', { listingId: 42, quantity: 1 }, 'listingId'],
    ['quantity missing', { listingId: randomUUID() }, 'quantity'],
    ['quantity 0', { listingId: randomUUID(), quantity: 0 }, 'quantity'],
    ['quantity 101', { listingId: randomUUID(), quantity: 101 }, 'quantity'],
    ['quantity 1.5', { listingId: randomUUID(), quantity: 1.5 }, 'quantity'],
    ['quantity as text', { listingId: randomUUID(), quantity: '2' }, 'quantity'],
  ])('400 naming the field when %s; nothing stored', async (_case, body, field) => {
    const n = await countOrders();
    const res = await request(app).post('/api/orders').set('Cookie', buyer().cookie).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: expect.any(String), field }]);
    expect(await countOrders()).toBe(n);
  });

  test('400 when ordering from your own listing; 400 for an odd quantity of a listing sold in pairs; nothing stored', async () => {
    const seller = buyer();
    const own = await seedListing(db.pool, { sellerId: seller.id });
    const res = await order(seller.cookie, own.id);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: 'You cannot order tickets from your own listing', field: 'listingId' }]);

    const pairs = await seedListing(db.pool, { seats: seatsOf(6), split: 'even' });
    const odd = await order(buyer().cookie, pairs.id, 3);
    expect(odd.status).toBe(400);
    expect(odd.body.errors).toEqual([{ message: 'This listing sells tickets in pairs: choose an even quantity', field: 'quantity' }]);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE listing_id = ANY($1::uuid[])', [[own.id, pairs.id]])).rows[0].n).toBe(0);
  });

  test('404 when the listing is not (yet) in the replica, or its event is not', async () => {
    const res = await order(buyer().cookie, randomUUID());
    expect(res.status).toBe(404);
    expect(res.body.errors[0].message).toBe('Listing not found (a listing created moments ago can take a moment to become orderable)');
    // The listing arrived, its event not yet (event.scheduled still on its way): not orderable yet either.
    const eventUnknown = await seedListing(db.pool, { eventId: randomUUID() });
    const early = await order(buyer().cookie, eventUnknown.id);
    expect(early.status).toBe(404);
    expect(early.body.errors[0].message).toBe(res.body.errors[0].message);
  });

  test('409 when the event is cancelled or over, or the listing withdrawn or sold out', async () => {
    const cancelled = await seedListing(db.pool, { eventId: (await seedEvent(db.pool, { status: 'cancelled' })).id });
    const over = await seedListing(db.pool, { eventId: (await seedEvent(db.pool, { startsAt: new Date(Date.now() - 60_000).toISOString() })).id });
    const withdrawn = await seedListing(db.pool, { status: 'withdrawn' });
    const sold = await seedListing(db.pool, { status: 'sold' });
    const messages = [];
    for (const l of [cancelled, over, withdrawn, sold]) {
      const res = await order(buyer().cookie, l.id);
      expect(res.status).toBe(409);
      messages.push(res.body.errors[0].message);
    }
    expect(messages).toEqual(['This event is cancelled', 'This event has already started', 'This listing has been withdrawn by its seller', 'This listing is sold out']);
  });

  test('409 with what is left: more than is free, and a quantity the split rule forbids now; the holds are unchanged', async () => {
    const listing = await seedListing(db.pool, { seats: seatsOf(5), split: 'no-single' });
    const first = await order(buyer().cookie, listing.id, 2);
    expect(first.status).toBe(201);

    const tooMany = await order(buyer().cookie, listing.id, 4);
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.errors[0].message).toBe('Only 3 tickets left');
    const wouldStrand = await order(buyer().cookie, listing.id, 2);
    expect(wouldStrand.status).toBe(409);
    expect(wouldStrand.body.errors[0].message).toBe('With 3 tickets left this listing sells without leaving a single ticket: you can order 1 or 3');

    const rest = await order(buyer().cookie, listing.id, 3);
    expect(rest.status).toBe(201);
    const none = await order(buyer().cookie, listing.id, 1);
    expect(none.status).toBe(409);
    expect(none.body.errors[0].message).toBe('No tickets left: every ticket of this listing is held or sold');
    expect((await db.pool.query("SELECT count(*)::int AS n FROM orders WHERE listing_id = $1 AND status = 'created'", [listing.id])).rows[0].n).toBe(2);
  });

  test('an `all` listing sells only everything that is left', async () => {
    const listing = await seedListing(db.pool, { seats: seatsOf(3), split: 'all' });
    const part = await order(buyer().cookie, listing.id, 2);
    expect(part.status).toBe(409);
    expect(part.body.errors[0].message).toBe('With 3 tickets left this listing sells only all remaining tickets together: you can order 3');
    expect((await order(buyer().cookie, listing.id, 3)).status).toBe(201);
  });

  test('409 once the tickets are sold (the order complete), even after the hold would have expired', async () => {
    const listing = await seedListing(db.pool, { seats: seatsOf(2), priceCents: 1000 });
    const held = await order(buyer().cookie, listing.id, 2);
    expect((await pay(held.body.id, 2200)).kind).toBe('completed');
    await db.pool.query("UPDATE orders SET expires_at = now() - interval '1 hour' WHERE id = $1", [held.body.id]);
    expect((await order(buyer().cookie, listing.id, 1)).status).toBe(409);
  });

  test('the tickets are orderable again once their order is cancelled', async () => {
    const listing = await seedListing(db.pool, { seats: seatsOf(2) });
    const first = buyer();
    const held = await order(first.cookie, listing.id, 2);
    expect((await request(app).delete(`/api/orders/${held.body.id}`).set('Cookie', first.cookie)).status).toBe(204);
    const again = await order(buyer().cookie, listing.id, 2);
    expect(again.status).toBe(201);
    expect(again.body.tickets).toEqual(held.body.tickets);
  });

  test('the price is fixed at creation: a later listing.changed with another price and section reaches the replica, not the order', async () => {
    const listing = await seedListing(db.pool, { priceCents: 1000 });
    const user = buyer();
    const held = await order(user.cookie, listing.id, 2);
    expect(held.body).toMatchObject({ unitPrice: 10, buyerFee: 2, total: 22, section: 'Block 512' });
    const outcome = await withTransaction(db.pool, (tx) => applyListingChanged(tx, { ...listing, version: 1, priceCents: 9900, section: 'Balcony' }));
    expect(outcome).toBe('applied');

    const read = await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie);
    expect(read.body).toMatchObject({ unitPrice: 10, buyerFee: 2, total: 22, section: 'Block 512' });
    const next = await order(buyer().cookie, listing.id, 1);
    expect(next.body).toMatchObject({ unitPrice: 99, buyerFee: 9.9, total: 108.9, section: 'Balcony' });
  });
});

describe('GET /api/orders', () => {
  test("200 {orders, nextCursor}: only the caller's orders, newest first, paged by a keyset cursor", async () => {
    const user = buyer();
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push((await order(user.cookie, (await seedListing(db.pool)).id)).body.id);
    await order(buyer().cookie, (await seedListing(db.pool)).id);

    const first = await request(app).get('/api/orders?limit=2').set('Cookie', user.cookie);
    expect(first.status).toBe(200);
    expect(first.body.orders.map((o: { id: string }) => o.id)).toEqual([placed[4], placed[3]]);
    const second = await request(app).get(`/api/orders?limit=2&cursor=${first.body.nextCursor}`).set('Cookie', user.cookie);
    expect(second.body.orders.map((o: { id: string }) => o.id)).toEqual([placed[2], placed[1]]);
    const last = await request(app).get(`/api/orders?limit=2&cursor=${second.body.nextCursor}`).set('Cookie', user.cookie);
    expect(last.body).toEqual({ orders: [expect.objectContaining({ id: placed[0] })], nextCursor: null });

    const all = await request(app).get('/api/orders').set('Cookie', user.cookie);
    expect(all.body.orders).toHaveLength(5);
    expect(all.body.orders[0]).toEqual((await request(app).get(`/api/orders/${placed[4]}`).set('Cookie', user.cookie)).body);
  });

  test('400 for a bad limit or cursor; an empty page for a new user; 401 when not signed in', async () => {
    const cookie = buyer().cookie;
    for (const q of ['limit=0', 'limit=101', 'limit=x', 'cursor=nope!', 'cursor=WzEsMl0']) {
      expect((await request(app).get(`/api/orders?${q}`).set('Cookie', cookie)).status).toBe(400);
    }
    expect((await request(app).get('/api/orders').set('Cookie', cookie)).body).toEqual({ orders: [], nextCursor: null });
    expect((await request(app).get('/api/orders')).status).toBe(401);
  });
});

describe('GET /api/orders/fees', () => {
  test('public: the configured rates and the rounding', async () => {
    expect((await request(app).get('/api/orders/fees')).body).toEqual({ buyerFeePercent: 10, sellerFeePercent: 5, rounding: 'half-up per order' });
  });
});

describe('GET /api/orders/:id', () => {
  test('200 for the buyer, 403 for anyone else, 401 when not signed in', async () => {
    const user = buyer();
    const held = await order(user.cookie, (await seedListing(db.pool)).id);
    const own = await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie);
    expect(own.status).toBe(200);
    expect(own.body).toEqual(held.body);
    expect((await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', buyer().cookie)).status).toBe(403);
    expect((await request(app).get(`/api/orders/${held.body.id}`)).status).toBe(401);
  });

  test('404 for an unknown id and for a path id that is not a UUID', async () => {
    const cookie = buyer().cookie;
    expect((await request(app).get(`/api/orders/${randomUUID()}`).set('Cookie', cookie)).status).toBe(404);
    expect((await request(app).get('/api/orders/not-a-uuid').set('Cookie', cookie)).status).toBe(404);
  });
});

describe('DELETE /api/orders/:id', () => {
  test('204: the order is cancelled (reason cancelled) with order.cancelled v2 naming every ticket; a second DELETE changes nothing', async () => {
    const listing = await seedListing(db.pool, { seats: seatsOf(3) });
    const user = buyer();
    const held = await order(user.cookie, listing.id, 3);

    const res = await request(app).delete(`/api/orders/${held.body.id}`).set('Cookie', user.cookie);
    expect(res.status).toBe(204);
    expect((await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie)).body).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
    const cancelled = { subject: 'order.cancelled', payload: { id: held.body.id, version: 1, listingId: listing.id, ticketIds: listing.tickets.map((t) => t.id), reason: 'cancelled' } };
    expect(await outboxEvents(db.pool, held.body.id)).toEqual([expect.objectContaining({ subject: 'order.created' }), expect.objectContaining(cancelled)]);
    const { rows } = await db.pool.query('SELECT bool_or(active) AS active FROM order_tickets WHERE order_id = $1', [held.body.id]);
    expect(rows[0].active).toBe(false);

    expect((await request(app).delete(`/api/orders/${held.body.id}`).set('Cookie', user.cookie)).status).toBe(204);
    expect(await outboxEvents(db.pool, held.body.id)).toHaveLength(2);
  });

  test("403 for someone else's order, which stays held; 401 when not signed in", async () => {
    const held = await order(buyer().cookie, (await seedListing(db.pool)).id);
    expect((await request(app).delete(`/api/orders/${held.body.id}`).set('Cookie', buyer().cookie)).status).toBe(403);
    expect((await request(app).delete(`/api/orders/${held.body.id}`)).status).toBe(401);
    const { rows } = await db.pool.query('SELECT status FROM orders WHERE id = $1', [held.body.id]);
    expect(rows[0].status).toBe('created');
  });

  test('404 for an unknown id and for a path id that is not a UUID', async () => {
    const cookie = buyer().cookie;
    expect((await request(app).delete(`/api/orders/${randomUUID()}`).set('Cookie', cookie)).status).toBe(404);
    expect((await request(app).delete('/api/orders/123').set('Cookie', cookie)).status).toBe(404);
  });

  test('409 when the order is complete; it stays complete, its tickets stay taken, nothing is published', async () => {
    const user = buyer();
    const listing = await seedListing(db.pool, { priceCents: 700, seats: seatsOf(1) });
    const held = await order(user.cookie, listing.id);
    await pay(held.body.id, 770);

    const res = await request(app).delete(`/api/orders/${held.body.id}`).set('Cookie', user.cookie);
    expect(res.status).toBe(409);
    expect((await request(app).get(`/api/orders/${held.body.id}`).set('Cookie', user.cookie)).body.status).toBe('complete');
    expect((await outboxEvents(db.pool, held.body.id)).map((e) => e.subject)).toEqual(['order.created', 'order.completed']);
    expect((await order(buyer().cookie, listing.id)).status).toBe(409);
  });
});
