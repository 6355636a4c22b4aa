import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { withTransaction } from '@ticketing/common';
import { signedInUser } from '@ticketing/common/testing';
import { cooldownMessage } from '../src/domain/fair-holds';
import { settlePayment } from '../src/domain/payments';
import { rush, seatsOf, seedListing, serveOrders, statuses } from './support';

/**
 * Fair holds: one buyer cannot keep inventory off sale — at most MAX_HELD_TICKETS_PER_BUYER (8) tickets held at once
 * across orders, and two holds of one listing let lapse or cancelled within an hour start a 10-minute cooldown.
 */

const orders = serveOrders();

const order = (cookie: string, listingId: string, quantity: number) =>
  request(orders.url).post('/api/orders').set('Cookie', cookie).send({ listingId, quantity });
const cancel = (cookie: string, orderId: string) => request(orders.url).delete(`/api/orders/${orderId}`).set('Cookie', cookie);

describe('MAX_HELD_TICKETS_PER_BUYER', () => {
  test('8 tickets held across listings; the 9th is refused with 409 saying why, until one order is paid or cancelled', async () => {
    const buyer = signedInUser();
    const listings = await Promise.all(Array.from({ length: 3 }, () => seedListing(orders.db.pool, { seats: seatsOf(6) })));
    const a = await order(buyer.cookie, listings[0]!.id, 4);
    const b = await order(buyer.cookie, listings[1]!.id, 3);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((await order(buyer.cookie, listings[2]!.id, 1)).status).toBe(201);

    const refused = await order(buyer.cookie, listings[2]!.id, 1);
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([
      { message: 'You are holding 8 tickets; pay for or cancel an order before holding more (at most 8 at once)', field: 'quantity' },
    ]);
    // Someone else is not affected.
    expect((await order(signedInUser().cookie, listings[2]!.id, 2)).status).toBe(201);

    expect((await cancel(buyer.cookie, b.body.id)).status).toBe(204);
    expect((await order(buyer.cookie, listings[2]!.id, 3)).status).toBe(201);
    expect((await order(buyer.cookie, listings[1]!.id, 1)).status).toBe(409);
  });

  test('a hold past its expiry no longer counts', async () => {
    const buyer = signedInUser();
    const listing = await seedListing(orders.db.pool, { seats: seatsOf(10) });
    const held = await order(buyer.cookie, listing.id, 8);
    expect(held.status).toBe(201);
    expect((await order(buyer.cookie, listing.id, 1)).status).toBe(409);
    await orders.db.pool.query("UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1", [held.body.id]);
    expect((await order(buyer.cookie, listing.id, 2)).status).toBe(201);
  });

  test('one buyer racing on different listings (the buyer lock): 8 concurrent requests of 2 → exactly 4 orders, never more than 8 tickets held', async () => {
    for (let round = 0; round < 3; round++) {
      const buyer = signedInUser();
      const listings = await Promise.all(Array.from({ length: 8 }, () => seedListing(orders.db.pool, { seats: seatsOf(4) })));
      const attempts = await rush(orders.url, listings.map((l) => ({ cookie: buyer.cookie, buyerId: buyer.id, listingId: l.id, quantity: 2 })));
      expect(statuses(attempts)).toEqual({ 201: 4, 409: 4 });
      const { rows } = await orders.db.pool.query("SELECT sum(quantity)::int AS held FROM orders WHERE user_id = $1 AND status = 'created'", [buyer.id]);
      expect(rows[0].held).toBe(8);
    }
  });
});

describe('cooldown after repeated releases', () => {
  test('two holds of a listing cancelled: the third is refused with 409 saying why and when; other listings and buyers are not', async () => {
    const buyer = signedInUser();
    const listing = await seedListing(orders.db.pool, { seats: seatsOf(6) });
    for (let i = 0; i < 2; i++) {
      const held = await order(buyer.cookie, listing.id, 2);
      expect(held.status).toBe(201);
      expect((await cancel(buyer.cookie, held.body.id)).status).toBe(204);
    }
    const refused = await order(buyer.cookie, listing.id, 2);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].message).toMatch(
      /^You let 2 holds on this listing lapse or cancelled them in the last hour; you can hold it again after \d\d:\d\d UTC \(in (10|11) minutes\)$/,
    );
    const { rows } = await orders.db.pool.query(
      "SELECT to_char((max(ended_at) + interval '10 minutes' + interval '59.999999 seconds') AT TIME ZONE 'UTC', 'HH24:MI') AS at FROM orders WHERE user_id = $1",
      [buyer.id],
    );
    expect(refused.body.errors[0].message).toContain(`after ${rows[0].at} UTC`);

    expect((await order(signedInUser().cookie, listing.id, 2)).status).toBe(201);
    expect((await order(buyer.cookie, (await seedListing(orders.db.pool)).id, 2)).status).toBe(201);

    // Ten minutes after the last release (moved back in time here) the buyer may hold the listing again.
    await orders.db.pool.query("UPDATE orders SET ended_at = ended_at - interval '10 minutes' WHERE user_id = $1 AND listing_id = $2", [buyer.id, listing.id]);
    expect((await order(buyer.cookie, listing.id, 2)).status).toBe(201);
  });

  test('holds that lapsed count as releases; releases older than the window do not', async () => {
    const buyer = signedInUser();
    const listing = await seedListing(orders.db.pool, { seats: seatsOf(4) });
    for (let i = 0; i < 2; i++) {
      const held = await order(buyer.cookie, listing.id, 1);
      await orders.db.pool.query("UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1", [held.body.id]);
    }
    // The second request swept the first expired hold; this one sweeps the second and is then refused.
    const refused = await order(buyer.cookie, listing.id, 1);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].message).toMatch(/^You let 2 holds on this listing lapse/);
    // A refused request stores nothing (its sweep rolled back too); reading the orders records both as expired.
    const mine = await request(orders.url).get('/api/orders').set('Cookie', buyer.cookie);
    expect(mine.body.orders.map((o: { status: string; reason: string }) => [o.status, o.reason])).toEqual([['cancelled', 'expired'], ['cancelled', 'expired']]);

    await orders.db.pool.query("UPDATE orders SET ended_at = ended_at - interval '61 minutes' WHERE user_id = $1", [buyer.id]);
    expect((await order(buyer.cookie, listing.id, 1)).status).toBe(201);
  });

  test('paid orders and rejected payments are not releases', async () => {
    const buyer = signedInUser();
    const listing = await seedListing(orders.db.pool, { seats: seatsOf(8), priceCents: 1000 });
    for (let i = 0; i < 2; i++) {
      const held = await order(buyer.cookie, listing.id, 1);
      await withTransaction(orders.db.pool, (tx) => settlePayment(tx, { id: randomUUID(), orderId: held.body.id, amountCents: 1100, providerId: 'pi_test' }));
    }
    await orders.db.pool.query(
      `WITH rejected AS (
         UPDATE orders SET status = 'cancelled', cancel_reason = 'payment_rejected', payment_id = NULL
         WHERE id = (SELECT id FROM orders WHERE user_id = $1 ORDER BY created_at LIMIT 1) RETURNING id)
       UPDATE order_tickets SET active = false WHERE order_id IN (SELECT id FROM rejected)`,
      [buyer.id],
    );
    expect((await order(buyer.cookie, listing.id, 1)).status).toBe(201);
  });

  test('the message names the window and rounds the time up to the minute', () => {
    expect(cooldownMessage(3, 7200, new Date('2026-05-01T14:04:30Z'), new Date('2026-05-01T14:00:00Z'))).toBe(
      'You let 3 holds on this listing lapse or cancelled them in the last 2 hours; you can hold it again after 14:05 UTC (in 5 minutes)',
    );
  });
});
