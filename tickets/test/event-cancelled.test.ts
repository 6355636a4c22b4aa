import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signedInUser } from '@ticketing/common/testing';
import { sweepMissedDeliveries } from '../src/domain/deliveries.domain';
import { scheduledEvent, startTicketsWithBus, type TicketsWithBus } from './events-support';
import { newBarcode } from './item-support';
import { orderCancelled, orderCompleted, orderCreated } from './order-fixtures';
import { createListingAs, type ListingBody } from './support';

// event.cancelled through real NATS (EVENTS, catalogEventsConsumer's `then`): the event's listings close in one
// transaction (one listing.changed each), pending deliveries stop (the sweeper never calls them missed), and orders'
// order.cancelled (event_cancelled) withdraws the held and sold tickets, whichever of the two arrives first.

let ctx: TicketsWithBus;
beforeAll(async () => {
  ctx = await startTicketsWithBus();
});
afterAll(async () => {
  await ctx.stop();
});

const seller = signedInUser();
const bus = () => ctx.harness.bus;
const pool = () => ctx.harness.db.pool;
const startsAt = new Date(Date.now() + 3 * 86_400_000).toISOString();

async function newEvent() {
  const event = { ...scheduledEvent(randomUUID()), startsAt };
  await ctx.deliver(bus(), 'event.scheduled', event);
  return event;
}
const cancel = (event: ReturnType<typeof scheduledEvent>, version = 1) => ctx.deliver(bus(), 'event.cancelled', { ...event, version, status: 'cancelled' });
const list = (eventId: string, more: Record<string, unknown> = {}): Promise<ListingBody> =>
  createListingAs(ctx.app, seller, { eventId, seats: ['1', '2', '3', '4'], price: 50, faceValue: 50, ...more });

async function hold(l: ListingBody, tickets = l.tickets.slice(0, 1)) {
  const order = orderCreated(l, tickets, { buyerId: signedInUser().id });
  await ctx.deliver(bus(), 'order.created', order);
  return order;
}
async function buy(l: ListingBody, tickets = l.tickets.slice(0, 1)) {
  const order = await hold(l, tickets);
  await ctx.deliver(bus(), 'order.completed', orderCompleted(order));
  return order;
}

const listingRow = async (id: string) => (await pool().query('SELECT status, available, version FROM listings WHERE id = $1', [id])).rows[0];
const ticketStatuses = async (id: string) => (await pool().query('SELECT status FROM tickets WHERE listing_id = $1 ORDER BY position', [id])).rows.map((r) => r.status);
const snapshotsOf = async (id: string) => (await pool().query(`SELECT payload FROM outbox WHERE subject = 'listing.changed' AND payload->>'id' = $1 ORDER BY seq`, [id])).rows.map((r) => r.payload);
const deliveryStatus = async (orderId: string) => (await pool().query('SELECT status FROM deliveries WHERE order_id = $1', [orderId])).rows[0]?.status;
const deliveryEvents = async (orderId: string) =>
  (await pool().query(`SELECT subject FROM outbox WHERE subject LIKE 'delivery.%' AND payload->>'orderId' = $1 ORDER BY seq`, [orderId])).rows.map((r) => r.subject);

test('every listing of the event is withdrawn with one listing.changed; pending deliveries stop; held and sold tickets follow order.cancelled', async () => {
  const event = await newEvent();
  const busy = await list(event.id);
  const held = await hold(busy, busy.tickets.slice(0, 1));
  const pendingDelivery = await buy(busy, busy.tickets.slice(1, 2));
  await request(ctx.app).put(`/api/tickets/${busy.tickets[2]!.id}/item`).set('Cookie', seller.cookie).send({ barcode: newBarcode() }).expect(200);
  const delivered = await buy(busy, busy.tickets.slice(2, 3));
  const quiet = await list(event.id, { seats: ['A', 'B'] });
  const instantPending = await list(event.id, { seats: ['X'], delivery: 'instant' });
  const alreadyWithdrawn = await list(event.id, { seats: ['W'] });
  await request(ctx.app).delete(`/api/listings/${alreadyWithdrawn.id}`).set('Cookie', seller.cookie).expect(204);
  const otherEvent = await newEvent();
  const elsewhere = await list(otherEvent.id);
  const elsewhereOrder = await buy(elsewhere);
  expect(await deliveryStatus(pendingDelivery.id)).toBe('pending');
  expect(await deliveryStatus(delivered.id)).toBe('delivered');

  const before = new Map<string, number>();
  for (const l of [busy, quiet, instantPending, alreadyWithdrawn, elsewhere]) before.set(l.id, (await snapshotsOf(l.id)).length);
  await cancel(event);

  for (const l of [busy, quiet, instantPending]) {
    const snapshots = await snapshotsOf(l.id);
    expect(snapshots).toHaveLength(before.get(l.id)! + 1);
    expect(snapshots.at(-1)).toMatchObject({ status: 'withdrawn', available: 0 });
    await ctx.published.waitFor('listing.changed', (p) => p.id === l.id && p.status === 'withdrawn');
  }
  for (const l of [alreadyWithdrawn, elsewhere]) expect(await snapshotsOf(l.id)).toHaveLength(before.get(l.id)!);
  expect(await ticketStatuses(busy.id)).toEqual(['held', 'sold', 'sold', 'withdrawn']);
  expect(await ticketStatuses(quiet.id)).toEqual(['withdrawn', 'withdrawn']);
  expect(await listingRow(elsewhere.id)).toMatchObject({ status: 'active', available: 3 });

  // Nobody can deliver for a cancelled event: the pending delivery stops, the decided one stays, the sweeper skips it.
  expect(await deliveryStatus(pendingDelivery.id)).toBe('cancelled');
  expect(await deliveryStatus(delivered.id)).toBe('delivered');
  expect(await sweepMissedDeliveries(pool(), 100, new Date(Date.now() + 30 * 86_400_000))).toBe(1); // the other event's only
  expect(await deliveryStatus(elsewhereOrder.id)).toBe('missed');
  expect(await deliveryEvents(pendingDelivery.id)).toEqual(['delivery.scheduled']);
  const upload = await request(ctx.app).put(`/api/tickets/${busy.tickets[1]!.id}/item`).set('Cookie', seller.cookie).send({ barcode: newBarcode() });
  expect(upload.status).toBe(409);

  // Orders' cancellations (event_cancelled) withdraw what each order held or bought.
  for (const o of [held, pendingDelivery, delivered]) await ctx.deliver(bus(), 'order.cancelled', orderCancelled(o, 'event_cancelled'));
  expect(await ticketStatuses(busy.id)).toEqual(['withdrawn', 'withdrawn', 'withdrawn', 'withdrawn']);
  expect(await listingRow(busy.id)).toMatchObject({ status: 'withdrawn', available: 0 });
  const known = await pool().query('SELECT state FROM known_orders WHERE order_id = ANY($1::uuid[])', [[held.id, pendingDelivery.id, delivered.id]]);
  expect(known.rows.map((r) => r.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);

  // The same cancellation again is stale for the replica: nothing more is written.
  const count = (await snapshotsOf(busy.id)).length;
  await cancel(event);
  expect(await snapshotsOf(busy.id)).toHaveLength(count);

  // And no new listing for it.
  const refused = await request(ctx.app).post('/api/listings').set('Cookie', seller.cookie).send({ eventId: event.id, section: 'Stalls', split: 'any', seats: ['9'], price: 50, faceValue: 50 });
  expect(JSON.stringify(refused.body)).toContain('This event is cancelled');
  expect(refused.status).toBe(409);
});

test('order.cancelled before event.cancelled, and an order completed after it: every ticket still ends withdrawn, no delivery starts', async () => {
  const event = await newEvent();
  const l = await list(event.id);
  const early = await hold(l, l.tickets.slice(0, 2));
  const late = await hold(l, l.tickets.slice(2, 3));

  // Orders cancelled this hold before tickets heard of the event's cancellation: its tickets are withdrawn at once.
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(early, 'event_cancelled'));
  expect(await ticketStatuses(l.id)).toEqual(['withdrawn', 'withdrawn', 'held', 'available']);

  await cancel(event);
  expect(await ticketStatuses(l.id)).toEqual(['withdrawn', 'withdrawn', 'held', 'withdrawn']);

  // Paid before orders heard of it: order.completed arrives after the cancellation; its delivery is born cancelled.
  await ctx.deliver(bus(), 'order.completed', orderCompleted(late));
  expect(await deliveryStatus(late.id)).toBe('cancelled');
  expect(await deliveryEvents(late.id)).toEqual([]);
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(late, 'event_cancelled'));
  expect(await ticketStatuses(l.id)).toEqual(['withdrawn', 'withdrawn', 'withdrawn', 'withdrawn']);
  expect(await listingRow(l.id)).toMatchObject({ status: 'withdrawn', available: 0 });
});

test('an event with 60 listings closes in one consumer transaction: 60 listing.changed, every ticket withdrawn', async () => {
  const event = await newEvent();
  const listings = [];
  for (let i = 0; i < 60; i++) listings.push(await list(event.id, { seats: undefined, quantity: 10 }));
  const started = Date.now();
  await cancel(event);
  const took = Date.now() - started;
  const { rows } = await pool().query(
    `SELECT count(*) FILTER (WHERE l.status = 'withdrawn')::int AS withdrawn, count(*)::int AS total,
            (SELECT count(*)::int FROM tickets t JOIN listings l2 ON l2.id = t.listing_id WHERE l2.event_id = $1 AND t.status <> 'withdrawn') AS open
       FROM listings l WHERE l.event_id = $1`,
    [event.id],
  );
  expect(rows[0]).toEqual({ withdrawn: 60, total: 60, open: 0 });
  for (const l of listings) await ctx.published.waitFor('listing.changed', (p) => p.id === l.id && p.status === 'withdrawn');
  expect(took).toBeLessThan(10_000);
});
