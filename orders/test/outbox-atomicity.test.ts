import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { PaymentCreatedEvent } from '@ticketing/common';
import { publishTestEvent, refuseOutboxRows, signedInUser, waitFor } from '@ticketing/common/testing';
import { placeOrder } from '../src/domain/place-order';
import { ordersTestApp, outboxEvents, seedListing, startEventHarness, testRules, type EventHarness } from './support';

/**
 * Invariant 4 from the other side: an order change and its event commit together or not at all. PostgreSQL itself
 * refuses the outbox row (a trigger) or the commit (a deferred constraint trigger), so these fail if the event is
 * written outside the order's transaction: after its commit (a refused event leaves the order stored, unannounced) or
 * before it on another connection (a refused commit leaves an event about an order that does not exist).
 */

let h: EventHarness;

beforeAll(async () => {
  h = await startEventHarness();
});
afterAll(async () => {
  await h.stop();
});

const ordersOfListing = async (listingId: string) => (await h.db.pool.query('SELECT id, status FROM orders WHERE listing_id = $1', [listingId])).rows;
const heldTickets = async (listingId: string) =>
  (await h.db.pool.query('SELECT count(*)::int AS n FROM order_tickets ot JOIN orders o ON o.id = ot.order_id WHERE o.listing_id = $1', [listingId])).rows[0].n;
const eventsAboutListing = async (listingId: string) =>
  (await outboxEvents(h.db.pool)).filter((e) => e.payload.listingId === listingId).map((e) => e.subject);

test('order.created refused by the outbox: no order and none of its tickets are stored; the listing stays orderable', async () => {
  const listing = await seedListing(h.db.pool);
  const app = ordersTestApp(h.db.pool);
  const refused = await refuseOutboxRows(h.db.pool, 'order.created');
  try {
    const res = await request(app).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId: listing.id, quantity: 2 });
    expect(res.status).toBe(500);
    expect(await refused.refusals()).toBe(1);
  } finally {
    await refused.allow();
  }
  expect(await ordersOfListing(listing.id)).toEqual([]);
  expect(await heldTickets(listing.id)).toBe(0);
  expect(await eventsAboutListing(listing.id)).toEqual([]);

  // Not held in orders' replica: the next buyer gets it, and its order is announced once.
  const res = await request(app).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId: listing.id, quantity: 2 });
  expect(res.status).toBe(201);
  expect(await ordersOfListing(listing.id)).toEqual([{ id: res.body.id, status: 'created' }]);
  expect(await eventsAboutListing(listing.id)).toEqual(['order.created']);
});

test("the order's commit refused: no order.created is left behind", async () => {
  const listing = await seedListing(h.db.pool);
  // A deferred constraint trigger runs at COMMIT: the order and its event were both written, then the commit fails.
  await h.db.pool.query(`
    CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused'; END $$;
    CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON orders DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.listing_id = '${listing.id}') EXECUTE FUNCTION refuse_commit();`);
  try {
    const res = await request(ordersTestApp(h.db.pool)).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId: listing.id, quantity: 2 });
    expect(res.status).toBe(500);
  } finally {
    await h.db.pool.query('DROP TRIGGER refuse_commit ON orders; DROP FUNCTION refuse_commit');
  }
  expect(await ordersOfListing(listing.id)).toEqual([]);
  expect(await eventsAboutListing(listing.id)).toEqual([]);
});

test('order.completed refused by the outbox: the payment does not complete the order until its event can be written', async () => {
  const listing = await seedListing(h.db.pool, { priceCents: 3000 });
  const order = await placeOrder(h.db.pool, testRules(), { buyerId: randomUUID(), listingId: listing.id, quantity: 2 });
  const payment: PaymentCreatedEvent = { id: randomUUID(), orderId: order.id, amountCents: 6600, providerId: `pi_${randomUUID().slice(0, 8)}` };
  const orderState = async () => (await h.db.pool.query('SELECT status, payment_id, version FROM orders WHERE id = $1', [order.id])).rows[0];

  const refused = await refuseOutboxRows(h.db.pool, 'order.completed');
  try {
    await publishTestEvent(h.bus, 'payment.created', payment);
    // Delivered, refused, redelivered, refused again: each time the whole handler rolled back.
    await waitFor(async () => expect(await refused.refusals()).toBeGreaterThanOrEqual(2));
    expect(await orderState()).toEqual({ status: 'created', payment_id: null, version: 0 });
    expect(await eventsAboutListing(listing.id)).toEqual(['order.created']);
  } finally {
    await refused.allow();
  }

  await waitFor(async () => expect(await eventsAboutListing(listing.id)).toEqual(['order.created', 'order.completed']));
  expect(await orderState()).toEqual({ status: 'complete', payment_id: payment.id, version: 1 });
});
