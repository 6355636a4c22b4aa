import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { listingChangedSchema } from '@ticketing/common';
import { orderCancelledPayload, orderCompletedPayload, publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { startTicketsWithBus, type TicketsWithBus } from './events-support';
import { orderCancelled, orderCompleted, orderCreated } from './order-fixtures';
import { createListingAs, outboxRows, seedEvent, type ListingBody } from './support';

let ctx: TicketsWithBus;
let eventId: string;
beforeAll(async () => {
  ctx = await startTicketsWithBus();
  eventId = await seedEvent(ctx.harness.db.pool);
});
afterAll(async () => {
  await ctx.stop();
});

const seller = signedInUser();
const bus = () => ctx.harness.bus;
const pool = () => ctx.harness.db.pool;
const newListing = (seats = ['1', '2', '3', '4'], more: Record<string, unknown> = {}) =>
  createListingAs(ctx.app, seller, { eventId, seats, price: 50, faceValue: 50, split: 'any', ...more });

/** The listing's tickets as [status, orderId] in seat order, and its status/available/version. */
async function state(l: ListingBody) {
  const tickets = await pool().query('SELECT status, order_id FROM tickets WHERE listing_id = $1 ORDER BY position', [l.id]);
  const listing = await pool().query('SELECT status, available, version FROM listings WHERE id = $1', [l.id]);
  return { ...listing.rows[0], tickets: tickets.rows.map((t) => [t.status, t.order_id]) } as {
    status: string;
    available: number;
    version: number;
    tickets: [string, string | null][];
  };
}
const free: [string, null] = ['available', null];
const snapshotsOf = (id: string) => ctx.published.of('listing.changed').filter((p) => p.id === id);

test('order.created holds its k tickets: version + 1 and one listing.changed, published on LISTINGS', async () => {
  const l = await newListing();
  const order = orderCreated(l, l.tickets.slice(1, 3));
  await ctx.deliver(bus(), 'order.created', order);

  expect(await state(l)).toEqual({ status: 'active', available: 2, version: 1, tickets: [free, ['held', order.id], ['held', order.id], free] });
  const event = await ctx.published.waitFor('listing.changed', (p) => p.id === l.id && p.version === 1);
  expect(listingChangedSchema.parse(event.payload)).toMatchObject({ available: 2, status: 'active' });
  expect(listingChangedSchema.parse(event.payload).tickets.map((t) => t.status)).toEqual(['available', 'held', 'held', 'available']);
  expect((await outboxRows(pool())).filter((r) => r.payload.id === l.id).map((r) => r.aggregate_key)).toEqual([`listing:${l.id}`, `listing:${l.id}`]);

  const seen = await request(ctx.app).get(`/api/listings/${l.id}`).expect(200);
  expect(seen.body).toMatchObject({ available: 2, buyableQuantities: [1, 2] });
  expect(seen.body.tickets.map((t: { seat: string }) => t.seat)).toEqual(['1', '4']);
});

test('order.cancelled frees exactly the tickets that order holds; order.completed sells them; all sold → listing sold', async () => {
  const l = await newListing(['1', '2', '3']);
  const kept = orderCreated(l, l.tickets.slice(0, 2));
  const dropped = orderCreated(l, l.tickets.slice(2));
  await ctx.deliver(bus(), 'order.created', kept);
  await ctx.deliver(bus(), 'order.created', dropped);
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(dropped, 'expired'));
  expect(await state(l)).toMatchObject({ status: 'active', available: 1, version: 3, tickets: [['held', kept.id], ['held', kept.id], free] });

  await ctx.deliver(bus(), 'order.completed', orderCompleted(kept));
  expect(await state(l)).toMatchObject({ status: 'active', available: 1, version: 4, tickets: [['sold', kept.id], ['sold', kept.id], free] });
  const last = orderCreated(l, l.tickets.slice(2), { expiresInSeconds: 1000 });
  await ctx.deliver(bus(), 'order.created', last);
  await ctx.deliver(bus(), 'order.completed', orderCompleted(last));
  expect(await state(l)).toMatchObject({ status: 'sold', available: 0, version: 6 });
  // Sold is final: a stray cancellation of a completed order changes nothing.
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(kept));
  expect(await state(l)).toMatchObject({ status: 'sold', version: 6 });
  await waitFor(() => expect(snapshotsOf(l.id).map((p) => p.version)).toEqual([0, 1, 2, 3, 4, 5, 6]));
});

test('events of two orders of one ticket out of order: the newer order keeps the hold', async () => {
  const l = await newListing(['1', '2']);
  // Orders cancelled the old order (both tickets) and then created the new one (ticket 2 only); tickets hears the new
  // order first, then the old order's creation, then the old order's cancellation.
  const oldOrder = orderCreated(l, l.tickets, { expiresInSeconds: 900 });
  const newOrder = orderCreated(l, l.tickets.slice(1), { expiresInSeconds: 1200 });
  await ctx.deliver(bus(), 'order.created', newOrder);
  await ctx.deliver(bus(), 'order.created', oldOrder);
  // The old order takes only the ticket no newer order has been seen for.
  expect((await state(l)).tickets).toEqual([
    ['held', oldOrder.id],
    ['held', newOrder.id],
  ]);
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(oldOrder));
  expect((await state(l)).tickets).toEqual([free, ['held', newOrder.id]]);

  // And the other way round: the old order's creation first, then the new one takes over its ticket.
  const l2 = await newListing(['1', '2']);
  const old2 = orderCreated(l2, l2.tickets, { expiresInSeconds: 900 });
  const new2 = orderCreated(l2, l2.tickets.slice(0, 1), { expiresInSeconds: 1200 });
  await ctx.deliver(bus(), 'order.created', old2);
  await ctx.deliver(bus(), 'order.created', new2);
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(old2));
  expect(await state(l2)).toMatchObject({ available: 1, tickets: [['held', new2.id], free] });
});

test('order.created arriving after its cancellation holds nothing; order.completed arriving first sells', async () => {
  const l = await newListing(['1', '2']);
  const cancelled = orderCreated(l, l.tickets.slice(0, 1));
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(cancelled));
  await ctx.deliver(bus(), 'order.created', cancelled);
  expect(await state(l)).toMatchObject({ version: 0, tickets: [free, free] });

  const paid = orderCreated(l, l.tickets.slice(1));
  await ctx.deliver(bus(), 'order.completed', orderCompleted(paid));
  await ctx.deliver(bus(), 'order.created', paid);
  expect(await state(l)).toMatchObject({ version: 1, tickets: [free, ['sold', paid.id]] });
});

test('a sold ticket stays sold when an older order.created arrives after the newer order completed (its created not seen yet)', async () => {
  const l = await newListing(['1']);
  const older = orderCreated(l, l.tickets, { expiresInSeconds: 900 });
  const newer = orderCreated(l, l.tickets, { expiresInSeconds: 1200 });
  await ctx.deliver(bus(), 'order.completed', orderCompleted(newer));
  await ctx.deliver(bus(), 'order.created', older);
  expect(await state(l)).toMatchObject({ tickets: [['sold', newer.id]] });
});

test('a paid order cancelled afterwards (event cancelled): its completion redelivered after the cancellation does not sell again', async () => {
  const l = await newListing(['1', '2']);
  const paid = orderCreated(l, l.tickets);
  await ctx.deliver(bus(), 'order.created', paid);
  // orders: created (v0) → complete (v1) → cancelled event_cancelled (v2); the completion comes back last (a redelivery).
  await ctx.deliver(bus(), 'order.cancelled', orderCancelledPayload(paid, 'event_cancelled', 2));
  await ctx.deliver(bus(), 'order.completed', orderCompletedPayload(paid, undefined, 1));
  const after = await state(l);
  expect(after.tickets.map(([status]) => status)).not.toContain('sold');
  expect(after.tickets.every(([, orderId]) => orderId === null)).toBe(true);
});

test('a withdrawn listing: a late order still holds the tickets it took, and its cancellation leaves them withdrawn', async () => {
  const l = await newListing(['1', '2', '3']);
  const held = orderCreated(l, l.tickets.slice(0, 1));
  await ctx.deliver(bus(), 'order.created', held);
  await request(ctx.app).delete(`/api/listings/${l.id}`).set('Cookie', seller.cookie).expect(204);
  expect(await state(l)).toMatchObject({ status: 'withdrawn', tickets: [['held', held.id], ['withdrawn', null], ['withdrawn', null]] });

  // An order that took tickets 2 and 3 before orders learnt of the withdrawal: orders decided, tickets follows.
  const late = orderCreated(l, l.tickets.slice(1), { expiresInSeconds: 1000 });
  await ctx.deliver(bus(), 'order.created', late);
  expect((await state(l)).tickets).toEqual([
    ['held', held.id],
    ['held', late.id],
    ['held', late.id],
  ]);
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(late, 'expired'));
  await ctx.deliver(bus(), 'order.completed', orderCompleted(held));
  expect(await state(l)).toMatchObject({
    status: 'withdrawn',
    available: 0,
    tickets: [['sold', held.id], ['withdrawn', null], ['withdrawn', null]],
  });
});

test('an order event for a listing that does not exist is acknowledged and changes nothing', async () => {
  const before = (await outboxRows(pool())).length;
  const ghost = orderCreated({ id: randomUUID(), eventId, sellerId: seller.id, price: 10 }, [{ id: randomUUID(), seat: null }]);
  await ctx.deliver(bus(), 'order.created', ghost);
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(ghost));
  expect((await outboxRows(pool())).length).toBe(before);
  expect((await pool().query('SELECT 1 FROM known_orders WHERE order_id = $1', [ghost.id])).rowCount).toBe(0);
});

test('a version 1 order event (one ticket) applies to the migrated one-ticket listing of that id', async () => {
  const l = await newListing(['only']);
  // A migrated listing's id is its one ticket's id: make this listing look like one.
  const ticketId = l.tickets[0]!.id;
  await pool().query('UPDATE tickets SET id = listing_id WHERE id = $1', [ticketId]);
  const orderId = randomUUID();
  await ctx.deliver(bus(), 'order.created', {
    id: orderId,
    version: 0,
    status: 'created',
    userId: randomUUID(),
    expiresAt: new Date(Date.now() + 900_000).toISOString(),
    ticket: { id: l.id, priceCents: 5000 },
  } as never);
  expect(await state(l)).toMatchObject({ available: 0, tickets: [['held', orderId]] });
});

test('events of many orders on several listings, all at once and in any order, end as orders decided, versions without gaps', async () => {
  const listings = await Promise.all(Array.from({ length: 3 }, () => newListing(['1', '2', '3', '4'])));
  await Promise.all(
    listings.map(async (l) => {
      // Orders 0..3 each on a pair, each created after the previous ended; the last (tickets 3–4) holds, and bought on odd listings.
      const orders = Array.from({ length: 4 }, (_, i) => orderCreated(l, i % 2 ? l.tickets.slice(2) : l.tickets.slice(1, 3), { expiresInSeconds: 900 + i * 60 }));
      const last = orders[3]!;
      const sends = orders.flatMap((o) =>
        o === last
          ? [() => publishTestEvent(bus(), 'order.created', o)]
          : [() => publishTestEvent(bus(), 'order.created', o), () => publishTestEvent(bus(), 'order.cancelled', orderCancelled(o))],
      );
      const odd = listings.indexOf(l) % 2 === 1;
      if (odd) sends.push(() => publishTestEvent(bus(), 'order.completed', orderCompleted(last)));
      const ids = await Promise.all([...sends].reverse().map((send) => send()));
      await Promise.all(ids.map(ctx.applied));
      const status = odd ? 'sold' : 'held';
      expect((await state(l)).tickets).toEqual([free, free, [status, last.id], [status, last.id]]);
    }),
  );
  for (const l of listings) {
    await waitFor(async () => {
      const versions = snapshotsOf(l.id).map((p) => p.version);
      expect(versions).toEqual(Array.from({ length: (await state(l)).version + 1 }, (_, i) => i));
    });
  }
});

test('a redelivered event changes nothing: replaying the whole ORDERS stream leaves every listing as it is', async () => {
  const l = await newListing(['1', '2']);
  const order = orderCreated(l, l.tickets);
  await ctx.deliver(bus(), 'order.created', order);
  await ctx.deliver(bus(), 'order.cancelled', orderCancelled(order));
  const snapshot = async () => (await pool().query('SELECT l.id, l.version, t.id AS ticket, t.status, t.order_id FROM listings l JOIN tickets t ON t.listing_id = l.id ORDER BY t.id')).rows;
  const before = await snapshot();
  const outboxBefore = (await outboxRows(pool())).length;
  const inboxCount = async () => (await pool().query('SELECT count(*)::int AS n FROM inbox')).rows[0].n as number;
  const inboxBefore = await inboxCount();

  // Lose the durable consumer's position (as if NATS lost its store): every event is delivered again, same ids.
  await ctx.restartOrdersConsumer();
  const streamLast = (await bus().jsm.streams.info(bus().streamName('ORDERS'))).state.last_seq;
  await waitFor(async () => {
    const info = await bus().jsm.consumers.info(bus().streamName('ORDERS'), 'tickets');
    expect(info.ack_floor.stream_seq).toBe(streamLast);
    expect(info.num_pending + info.num_ack_pending).toBe(0);
  });
  expect(await snapshot()).toEqual(before);
  expect((await outboxRows(pool())).length).toBe(outboxBefore);
  expect(await inboxCount()).toBe(inboxBefore);
});
