import { Client } from 'pg';
import request from 'supertest';
import { signedInUser, waitFor, type TestUser } from '@ticketing/common/testing';
import { sweepMissedDeliveries } from '../src/domain/deliveries.domain';
import { startTicketsWithBus, type TicketsWithBus } from './events-support';
import { newBarcode } from './item-support';
import { orderCompleted, orderCreated } from './order-fixtures';
import { createListingAs, seedEvent, type ListingBody } from './support';

// Deadlines decide deliveries exactly (design invariant 6): the sweeper never takes a delivery before its deadline, an
// upload after it is refused even before a sweep, and an upload that read its delivery in time holds it against a sweep.

let ctx: TicketsWithBus;
const startsAt = new Date(Date.now() + 3 * 86_400_000);
let eventId: string;
beforeAll(async () => {
  ctx = await startTicketsWithBus();
  eventId = await seedEvent(ctx.harness.db.pool, { startsAt });
});
afterAll(async () => {
  await ctx.stop();
});

const seller = signedInUser();
const buyer = signedInUser();
const pool = () => ctx.harness.db.pool;
const newListing = (): Promise<ListingBody> => createListingAs(ctx.app, seller, { eventId, seats: ['1'], price: 50, faceValue: 50 });
const putBarcode = (ticketId: string, user: TestUser, barcode: string) =>
  request(ctx.app).put(`/api/tickets/${ticketId}/item`).set('Cookie', user.cookie).send({ barcode });
async function buy(l: ListingBody) {
  const order = orderCreated(l, l.tickets, { buyerId: buyer.id });
  await ctx.deliver(ctx.harness.bus, 'order.created', order);
  await ctx.deliver(ctx.harness.bus, 'order.completed', orderCompleted(order));
  return order;
}
const subjects = async (orderId: string) =>
  (await pool().query(`SELECT subject FROM outbox WHERE subject LIKE 'delivery.%' AND payload->>'orderId' = $1 ORDER BY seq`, [orderId])).rows.map((r) => r.subject);
const statusOf = async (orderId: string) => (await pool().query('SELECT status FROM deliveries WHERE order_id = $1', [orderId])).rows[0].status;

test('the sweeper leaves a pending delivery whose deadline has not passed alone', async () => {
  const l = await newListing();
  const order = await buy(l);
  expect(await sweepMissedDeliveries(pool(), 100)).toBe(0);
  expect(await statusOf(order.id)).toBe('pending');
  expect(await subjects(order.id)).toEqual(['delivery.scheduled']);
  expect((await putBarcode(l.tickets[0]!.id, seller, newBarcode()).expect(200)).body.delivered).toBe(true);
});

test('an upload past the deadline is refused even before the sweeper has marked the delivery missed; nothing stored', async () => {
  const l = await newListing();
  const order = await buy(l);
  await pool().query(`UPDATE deliveries SET deadline = now() - interval '1 second' WHERE order_id = $1`, [order.id]);
  const res = await putBarcode(l.tickets[0]!.id, seller, newBarcode()).expect(409);
  expect(res.body.errors[0].message).toBe('The delivery deadline has passed; the order was refunded');
  expect((await pool().query('SELECT has_item FROM tickets WHERE id = $1', [l.tickets[0]!.id])).rows[0].has_item).toBe(false);
  expect(await statusOf(order.id)).toBe('pending');
});

test('an upload that read its delivery in time holds it: a sweep past the deadline meanwhile skips it, and the upload delivers', async () => {
  const l = await newListing();
  const order = await buy(l);
  await pool().query(`UPDATE deliveries SET deadline = now() + interval '400 milliseconds' WHERE order_id = $1`, [order.id]);
  // Park the upload after it decided on the delivery: storing its sealed item waits for this lock.
  const blocker = new Client({ connectionString: ctx.harness.db.url });
  await blocker.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE ticket_items IN SHARE MODE');
    const upload = putBarcode(l.tickets[0]!.id, seller, newBarcode()).then((r) => r);
    await waitFor(async () => (await pool().query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO ticket_items%'`)).rowCount === 1);
    await new Promise((r) => setTimeout(r, 500)); // past the deadline now
    await sweepMissedDeliveries(pool(), 100);
    await blocker.query('COMMIT');
    const res = await upload;
    expect(res.status).toBe(200);
    expect(res.body.delivered).toBe(true);
    expect(await subjects(order.id)).toEqual(['delivery.scheduled', 'delivery.completed']);
    expect(await statusOf(order.id)).toBe('delivered');
  } finally {
    await blocker.end();
  }
});
