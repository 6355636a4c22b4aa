import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signedInUser, type TestUser } from '@ticketing/common/testing';
import { sweepMissedDeliveries } from '../src/domain/deliveries.domain';
import { startDeliverySweeper } from '../src/domain/delivery-sweeper';
import { quietLogger, scheduledEvent, startTicketsWithBus, type TicketsWithBus } from './events-support';
import { binaryBody, newBarcode, ticketPdf } from './item-support';
import { orderCancelled, orderCompleted, orderCreated } from './order-fixtures';
import { createListingAs, seedEvent, type ListingBody } from './support';

// Delivery through the real ORDERS consumer and outbox relay: order.completed starts it, uploads complete it, the
// sweeper misses it, order.cancelled (not_delivered) withdraws the tickets, event.updated moves the deadline.

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
const bus = () => ctx.harness.bus;
const pool = () => ctx.harness.db.pool;
const deadline = new Date(startsAt.getTime() - 24 * 3_600_000).toISOString();

const newListing = (more: Record<string, unknown> = {}): Promise<ListingBody> =>
  createListingAs(ctx.app, seller, { eventId, seats: ['1', '2'], price: 50, faceValue: 50, ...more });
const putBarcode = (ticketId: string, user: TestUser, barcode: string) =>
  request(ctx.app).put(`/api/tickets/${ticketId}/item`).set('Cookie', user.cookie).send({ barcode });
const getItem = (ticketId: string, user: TestUser, query = '') => request(ctx.app).get(`/api/tickets/${ticketId}/item${query}`).set('Cookie', user.cookie);

/** A buyer's order of these tickets, created and paid, as orders publishes it; resolves once tickets applied both. */
async function buy(l: ListingBody, tickets = l.tickets, who: TestUser = buyer) {
  const order = orderCreated(l, tickets, { buyerId: who.id });
  await ctx.deliver(bus(), 'order.created', order);
  await ctx.deliver(bus(), 'order.completed', orderCompleted(order));
  return order;
}

async function deliveryEvents(orderId: string): Promise<Array<{ subject: string; payload: Record<string, unknown> }>> {
  const { rows } = await pool().query(`SELECT subject, payload FROM outbox WHERE subject LIKE 'delivery.%' AND payload->>'orderId' = $1 ORDER BY seq`, [orderId]);
  return rows;
}
const deliveryOf = async (orderId: string) => (await pool().query('SELECT status, deadline, delivered_at, missed_at FROM deliveries WHERE order_id = $1', [orderId])).rows[0];

test('instant: pending until every item is in, delivered the moment the order completes; only the buyer (and seller) read it', async () => {
  const l = await newListing({ delivery: 'instant' });
  const pdf = await ticketPdf('INSTANT-A');
  await request(ctx.app).put(`/api/tickets/${l.tickets[0]!.id}/item`).set('Cookie', seller.cookie).field('barcode', 'INSTANT-A').attach('file', pdf, 'a.pdf').expect(200);
  await putBarcode(l.tickets[1]!.id, seller, 'INSTANT-B').expect(200);
  const order = await buy(l);

  const events = await deliveryEvents(order.id);
  expect(events).toEqual([
    { subject: 'delivery.completed', payload: { orderId: order.id, listingId: l.id, ticketIds: order.tickets.map((t) => t.id), method: 'instant', deliveredAt: expect.any(String) } },
  ]);
  await ctx.deliveries.waitFor('delivery.completed', (p) => p.orderId === order.id);

  const got = await getItem(l.tickets[0]!.id, buyer).buffer(true).parse(binaryBody).expect(200);
  expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);
  expect((await getItem(l.tickets[1]!.id, buyer).expect(200)).body).toEqual({ barcode: 'INSTANT-B' });
  await getItem(l.tickets[1]!.id, signedInUser()).expect(403);
  await getItem(l.tickets[1]!.id, seller).expect(200);
  const reads = await pool().query('SELECT role, reader_id FROM item_reads WHERE ticket_id = ANY($1::uuid[]) ORDER BY id', [l.tickets.map((t) => t.id)]);
  expect(reads.rows).toEqual([
    { role: 'buyer', reader_id: buyer.id },
    { role: 'buyer', reader_id: buyer.id },
    { role: 'seller', reader_id: seller.id },
  ]);

  // Delivered: nobody replaces it any more, and a repeated completion publishes nothing again.
  expect((await putBarcode(l.tickets[1]!.id, seller, 'INSTANT-C').expect(409)).body.errors[0].message).toMatch(/already delivered/);
  await ctx.deliver(bus(), 'order.completed', orderCompleted(order), randomUUID());
  expect(await deliveryEvents(order.id)).toHaveLength(1);
  const view = await request(ctx.app).get(`/api/listings/${l.id}`).set('Cookie', seller.cookie).expect(200);
  expect(view.body.tickets.map((t: { delivered: boolean; hasItem: boolean }) => [t.delivered, t.hasItem])).toEqual([[true, true], [true, true]]);
});

test('later: scheduled with deadline = startsAt − cutoff; the buyer gets 409 until the last item arrives, then delivered', async () => {
  const l = await newListing();
  const order = await buy(l);
  expect(await deliveryEvents(order.id)).toEqual([
    { subject: 'delivery.scheduled', payload: { orderId: order.id, listingId: l.id, ticketIds: order.tickets.map((t) => t.id), method: 'later', deadline } },
  ]);
  expect((await getItem(l.tickets[0]!.id, buyer).expect(409)).body.errors[0].message).toBe('Not delivered yet');
  await getItem(l.tickets[0]!.id, signedInUser()).expect(403);

  const seen = await request(ctx.app).get(`/api/listings/${l.id}`).set('Cookie', seller.cookie).expect(200);
  expect(seen.body.tickets).toEqual(l.tickets.map((t) => ({ id: t.id, seat: t.seat, status: 'sold', delivered: false, hasItem: false, deliveryDeadline: deadline })));

  expect((await putBarcode(l.tickets[0]!.id, seller, newBarcode()).expect(200)).body).toMatchObject({ delivered: false });
  await getItem(l.tickets[0]!.id, buyer).expect(409);
  expect((await putBarcode(l.tickets[1]!.id, seller, newBarcode()).expect(200)).body).toMatchObject({ delivered: true });
  expect((await deliveryEvents(order.id)).map((e) => e.subject)).toEqual(['delivery.scheduled', 'delivery.completed']);
  expect(await deliveryOf(order.id)).toMatchObject({ status: 'delivered', missed_at: null });
  await getItem(l.tickets[0]!.id, buyer, '?format=json').expect(200);
  await ctx.deliveries.waitFor('delivery.completed', (p) => p.orderId === order.id);
});

test('later, items uploaded before the sale: delivered when the order completes', async () => {
  const l = await newListing();
  for (const t of l.tickets) await putBarcode(t.id, seller, newBarcode()).expect(200);
  const order = await buy(l);
  expect((await deliveryEvents(order.id)).map((e) => e.subject)).toEqual(['delivery.completed']);
});

test('the buyer of an order not yet paid cannot read (403)', async () => {
  const l = await newListing();
  await putBarcode(l.tickets[0]!.id, seller, newBarcode()).expect(200);
  const order = orderCreated(l, l.tickets.slice(0, 1), { buyerId: buyer.id });
  await ctx.deliver(bus(), 'order.created', order);
  await getItem(l.tickets[0]!.id, buyer).expect(403);
});

test('two sweepers racing mark each overdue delivery missed exactly once (delivery.missed once per order)', async () => {
  const l = await newListing({ seats: Array.from({ length: 24 }, (_, i) => `S${i}`) });
  const orders = [];
  for (const t of l.tickets) orders.push(await buy(l, [t]));
  await pool().query(`UPDATE deliveries SET deadline = now() - interval '1 second' WHERE listing_id = $1`, [l.id]);
  const a = startDeliverySweeper({ pool: pool(), logger: quietLogger, intervalMs: 3_600_000, batchSize: 5 });
  const b = startDeliverySweeper({ pool: pool(), logger: quietLogger, intervalMs: 3_600_000, batchSize: 5 });
  const [na, nb] = await Promise.all([a.runOnce(), b.runOnce()]);
  await Promise.all([a.stop(), b.stop()]);
  expect(na + nb).toBe(24);
  expect(await sweepMissedDeliveries(pool(), 100)).toBe(0);
  for (const o of orders) {
    expect((await deliveryEvents(o.id)).map((e) => e.subject)).toEqual(['delivery.scheduled', 'delivery.missed']);
    expect(await deliveryOf(o.id)).toMatchObject({ status: 'missed', delivered_at: null });
  }
  // After missed: the upload is refused with the refund's message, nothing stored.
  const res = await putBarcode(l.tickets[0]!.id, seller, newBarcode()).expect(409);
  expect(res.body.errors[0].message).toBe('The delivery deadline has passed; the order was refunded');
  expect((await pool().query('SELECT count(*)::int AS n FROM ticket_items WHERE ticket_id = $1', [l.tickets[0]!.id])).rows[0].n).toBe(0);
});

test('an upload racing the sweeper at the deadline ends delivered or missed, never both (15 rounds)', async () => {
  const outcomes = { delivered: 0, missed: 0 };
  for (let round = 0; round < 15; round++) {
    const l = await newListing({ seats: ['1'] });
    const order = await buy(l);
    // The deadline lands anywhere from now to ~60 ms on: sometimes before the upload decides, sometimes after.
    const due = Date.now() + (round % 8) * 8;
    await pool().query(`UPDATE deliveries SET deadline = $2 WHERE order_id = $1`, [order.id, new Date(due)]);
    const [upload] = await Promise.all([
      putBarcode(l.tickets[0]!.id, seller, newBarcode()),
      (async () => {
        while (Date.now() < due + 150) {
          await sweepMissedDeliveries(pool(), 10);
          await new Promise((r) => setTimeout(r, 3));
        }
      })(),
    ]);
    // The background sweeper keeps running: an upload refused for its deadline (a slow request, past the loop above)
    // is missed at its next pass.
    await sweepMissedDeliveries(pool(), 10);
    const subjects = (await deliveryEvents(order.id)).map((e) => e.subject);
    const row = await deliveryOf(order.id);
    if (upload.status === 200) {
      expect(upload.body.delivered).toBe(true);
      expect(subjects).toEqual(['delivery.scheduled', 'delivery.completed']);
      expect(row.status).toBe('delivered');
      outcomes.delivered += 1;
    } else {
      expect(upload.status).toBe(409);
      expect(subjects).toEqual(['delivery.scheduled', 'delivery.missed']);
      expect(row.status).toBe('missed');
      expect((await pool().query('SELECT has_item FROM tickets WHERE id = $1', [l.tickets[0]!.id])).rows[0].has_item).toBe(false);
      outcomes.missed += 1;
    }
  }
  expect(outcomes.delivered + outcomes.missed).toBe(15);
});

test('order.cancelled (not_delivered) withdraws the sold tickets for good; their barcodes may be listed again', async () => {
  const l = await newListing();
  const barcode = newBarcode();
  await putBarcode(l.tickets[0]!.id, seller, barcode).expect(200);
  const order = await buy(l);
  await pool().query(`UPDATE deliveries SET deadline = now() - interval '1 second' WHERE order_id = $1`, [order.id]);
  expect(await sweepMissedDeliveries(pool(), 10)).toBeGreaterThanOrEqual(1); // other tests' overdue rows may go too
  expect((await deliveryOf(order.id)).status).toBe('missed');
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(order, 'not_delivered'));

  const { rows } = await pool().query('SELECT status, order_id FROM tickets WHERE listing_id = $1 ORDER BY position', [l.id]);
  expect(rows).toEqual([
    { status: 'withdrawn', order_id: null },
    { status: 'withdrawn', order_id: null },
  ]);
  expect((await pool().query('SELECT state FROM known_orders WHERE order_id = $1', [order.id])).rows[0].state).toBe('cancelled');
  await getItem(l.tickets[0]!.id, buyer).expect(403);
  const snapshot = await ctx.published.waitFor('listing.changed', (p) => p.id === l.id && (p.tickets as Array<{ status: string }>).every((t) => t.status === 'withdrawn'));
  expect(snapshot.payload).toMatchObject({ status: 'sold', available: 0 });

  const genuine = signedInUser();
  const again = await createListingAs(ctx.app, genuine, { eventId, seats: ['1'], price: 50, faceValue: 50 });
  await putBarcode(again.tickets[0]!.id, genuine, barcode).expect(200);
});

test('the event moves: pending deliveries follow its start (delivery.scheduled again); decided ones do not', async () => {
  const moving = randomUUID();
  await ctx.deliver(bus(), 'event.scheduled', { ...scheduledEvent(moving), startsAt: startsAt.toISOString() });
  const l = await createListingAs(ctx.app, seller, { eventId: moving, seats: ['1', '2'], price: 50, faceValue: 50 });
  const pending = await buy(l, l.tickets.slice(0, 1));
  await putBarcode(l.tickets[1]!.id, seller, newBarcode()).expect(200);
  const done = await buy(l, l.tickets.slice(1));

  const later = new Date(startsAt.getTime() + 2 * 86_400_000);
  await ctx.deliver(bus(), 'event.updated', { ...scheduledEvent(moving), version: 1, startsAt: later.toISOString() });
  const newDeadline = new Date(later.getTime() - 24 * 3_600_000).toISOString();
  expect((await deliveryEvents(pending.id)).map((e) => [e.subject, e.payload.deadline])).toEqual([
    ['delivery.scheduled', deadline],
    ['delivery.scheduled', newDeadline],
  ]);
  expect((await deliveryOf(pending.id)).deadline.toISOString()).toBe(newDeadline);
  expect((await deliveryEvents(done.id)).map((e) => e.subject)).toEqual(['delivery.completed']);
  await ctx.deliveries.waitFor('delivery.scheduled', (p) => p.orderId === pending.id && p.deadline === newDeadline);
});
