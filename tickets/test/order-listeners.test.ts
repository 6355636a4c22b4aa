import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startConsumers, type Pool } from '@ticketing/common';
import { publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { ordersConsumer } from '../src/events/orders.consumer';
import { orderCancelled, orderCompleted, orderCreated, quietLogger, startTicketsWithBus, type TicketsWithBus } from './events-support';
import { createTicketAs, outboxRows } from './support';

let ctx: TicketsWithBus;
beforeAll(async () => {
  ctx = await startTicketsWithBus();
});
afterAll(async () => {
  await ctx.stop();
});

const seller = signedInUser();
const newTicket = () => createTicketAs(ctx.app, seller, { title: 'Final', price: 50 });

async function ticketRow(pool: Pool, id: string) {
  const { rows } = await pool.query('SELECT status, order_id AS "orderId", version FROM tickets WHERE id = $1', [id]);
  return rows[0] as { status: string; orderId: string | null; version: number };
}

/** Resolves once the consumer committed this event (the inbox row is written in the handler's transaction). */
const applied = (eventId: string) =>
  waitFor(async () => (await ctx.db.pool.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', ['tickets', eventId])).rowCount === 1, {
    description: `event ${eventId} to be applied`,
  });

async function publish(...args: Parameters<typeof publishTestEvent>): Promise<string> {
  const eventId = await publishTestEvent(...args);
  await applied(eventId);
  return eventId;
}

const updatesOf = (ticketId: string) => ctx.published.of('ticket.updated').filter((p) => p.id === ticketId);

/**
 * A ticket and two of its orders, the old one ending before the new one began (as orders creates them), after both
 * order.created events were applied, the one of `createdFirst` first: either way the new order holds the ticket.
 */
async function heldByNewerOrder(createdFirst: 'old' | 'new') {
  const t = await newTicket();
  const oldOrder = orderCreated(t, { expiresInSeconds: 900 });
  const newOrder = orderCreated(t, { expiresInSeconds: 1200 });
  for (const order of createdFirst === 'old' ? [oldOrder, newOrder] : [newOrder, oldOrder]) await publish(ctx.tb.bus, 'order.created', order);
  return { t, oldOrder, newOrder };
}

test('order.created holds the ticket and publishes ticket.updated (reserved, version + 1) through the outbox', async () => {
  const t = await newTicket();
  const order = orderCreated(t);
  await publish(ctx.tb.bus, 'order.created', order);

  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'reserved', orderId: order.id, version: 1 });
  const event = await ctx.published.waitFor('ticket.updated', (p) => p.id === t.id);
  expect(event.payload).toEqual({ id: t.id, version: 1, title: 'Final', priceCents: 5000, userId: seller.id, orderId: order.id, status: 'reserved' });
  const row = (await outboxRows(ctx.db.pool)).find((r) => r.event_id === event.eventId);
  expect(row?.subject).toBe('ticket.updated');

  const res = await request(ctx.app).get(`/api/tickets/${t.id}`).expect(200);
  expect(res.body).toMatchObject({ status: 'reserved', orderId: order.id, version: 1 });
  // Held: the seller cannot edit, and it is no longer listed for sale.
  await request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ price: 1 }).expect(409);
  const listing = await request(ctx.app).get('/api/tickets').query({ limit: 100 }).expect(200);
  expect(listing.body.tickets.map((x: { id: string }) => x.id)).not.toContain(t.id);
});

test('order.cancelled for the holding order frees the ticket (version + 1, ticket.updated available)', async () => {
  const t = await newTicket();
  const order = orderCreated(t);
  await publish(ctx.tb.bus, 'order.created', order);
  await publish(ctx.tb.bus, 'order.cancelled', orderCancelled(order, 'expired'));

  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'available', orderId: null, version: 2 });
  await waitFor(() => expect(updatesOf(t.id).map((p) => [p.version, p.status, p.orderId])).toEqual([
    [1, 'reserved', order.id],
    [2, 'available', null],
  ]));
  // Free again: the seller may edit.
  const edit = await request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ price: 45 }).expect(200);
  expect(edit.body.version).toBe(3);
});

test('a late order.cancelled of an old order does not free a ticket now held by a newer order', async () => {
  // Orders cancelled the old order and created the new one, but the new order's event arrives first.
  const { t, oldOrder, newOrder } = await heldByNewerOrder('old');
  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'reserved', orderId: newOrder.id, version: 2 });
  await publish(ctx.tb.bus, 'order.cancelled', orderCancelled(oldOrder));

  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'reserved', orderId: newOrder.id, version: 2 });
  await request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ price: 1 }).expect(409);
});

test('an old order’s late order.created does not take the hold from a newer order', async () => {
  const { t, oldOrder, newOrder } = await heldByNewerOrder('new');
  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'reserved', orderId: newOrder.id, version: 1 });

  // Even once the newer order has ended, the older one (which ended before it began) does not come back.
  await publish(ctx.tb.bus, 'order.cancelled', orderCancelled(newOrder));
  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'available', orderId: null, version: 2 });
  await publish(ctx.tb.bus, 'order.cancelled', orderCancelled(oldOrder));
  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'available', orderId: null, version: 2 });
});

test('order.created arriving after that order’s order.cancelled does not hold the ticket', async () => {
  const t = await newTicket();
  const order = orderCreated(t);
  await publish(ctx.tb.bus, 'order.cancelled', orderCancelled(order));
  await publish(ctx.tb.bus, 'order.created', order);
  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'available', orderId: null, version: 0 });
  expect(updatesOf(t.id)).toEqual([]);
});

test('order.completed sells the ticket; after that edits get 409 and late events change nothing', async () => {
  const t = await newTicket();
  const order = orderCreated(t);
  await publish(ctx.tb.bus, 'order.created', order);
  await publish(ctx.tb.bus, 'order.completed', orderCompleted(order));
  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'sold', orderId: order.id, version: 2 });
  const sold = await ctx.published.waitFor('ticket.updated', (p) => p.id === t.id && p.status === 'sold');
  expect(sold.payload).toMatchObject({ version: 2, orderId: order.id, priceCents: 5000 });

  const res = await request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ title: 'Resold' }).expect(409);
  expect(res.body.errors[0].message).toMatch(/sold/);
  // A stray cancellation, and another order's creation, leave a sold ticket sold.
  await publish(ctx.tb.bus, 'order.cancelled', orderCancelled(order, 'expired'));
  await publish(ctx.tb.bus, 'order.created', orderCreated(t, { expiresInSeconds: 5000 }));
  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'sold', orderId: order.id, version: 2 });
});

test('order.completed arriving before its order.created still sells, and the late order.created changes nothing', async () => {
  const t = await newTicket();
  const order = orderCreated(t);
  await publish(ctx.tb.bus, 'order.completed', orderCompleted(order));
  await publish(ctx.tb.bus, 'order.created', order);
  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'sold', orderId: order.id, version: 1 });
});

test('an order event for a ticket that does not exist is acknowledged and changes nothing', async () => {
  const before = (await outboxRows(ctx.db.pool)).length;
  const ghost = orderCreated({ id: randomUUID(), price: 10 });
  await publish(ctx.tb.bus, 'order.created', ghost); // resolves only once acked-and-committed (inbox row)
  await publish(ctx.tb.bus, 'order.cancelled', orderCancelled(ghost));
  expect((await outboxRows(ctx.db.pool)).length).toBe(before);
  expect((await ctx.db.pool.query('SELECT 1 FROM known_orders WHERE order_id = $1', [ghost.id])).rowCount).toBe(0);
});

test('events of many orders for one ticket, in any order and at once, end with the newest order holding it', async () => {
  const tickets = await Promise.all(Array.from({ length: 4 }, () => newTicket()));
  const finals = await Promise.all(
    tickets.map(async (t, ti) => {
      // Orders 0..4, each created after the previous ended; the last is still holding (or, for odd tickets, bought it).
      const orders = Array.from({ length: 5 }, (_, i) => orderCreated(t, { expiresInSeconds: 900 + i * 60 }));
      const last = orders[orders.length - 1]!;
      const events: Array<() => Promise<string>> = orders.flatMap((o) =>
        o === last ? [() => publishTestEvent(ctx.tb.bus, 'order.created', o)] : [() => publishTestEvent(ctx.tb.bus, 'order.created', o), () => publishTestEvent(ctx.tb.bus, 'order.cancelled', orderCancelled(o))],
      );
      if (ti % 2 === 1) events.push(() => publishTestEvent(ctx.tb.bus, 'order.completed', orderCompleted(last)));
      // A deterministic shuffle per ticket (reverse, interleave) so the test is repeatable yet far from publish order.
      const shuffled = ti % 2 === 0 ? [...events].reverse() : events.filter((_, i) => i % 2 === 1).concat(events.filter((_, i) => i % 2 === 0));
      const ids = await Promise.all(shuffled.map((send) => send()));
      await Promise.all(ids.map(applied));
      return { t, last, status: ti % 2 === 1 ? 'sold' : 'reserved' };
    }),
  );
  for (const { t, last, status } of finals) {
    expect(await ticketRow(ctx.db.pool, t.id)).toMatchObject({ status, orderId: last.id });
    // The published history of the ticket is a gap-free version sequence (what a replica needs to apply it in order).
    await waitFor(async () => {
      const versions = updatesOf(t.id).map((p) => p.version);
      expect(versions).toEqual(Array.from({ length: (await ticketRow(ctx.db.pool, t.id)).version }, (_, i) => i + 1));
    });
  }
});

test('a redelivered event (same event id) changes nothing: replaying the whole ORDERS stream leaves every ticket as it is', async () => {
  const t = await newTicket();
  const order = orderCreated(t);
  await publish(ctx.tb.bus, 'order.created', order);
  await publish(ctx.tb.bus, 'order.cancelled', orderCancelled(order));
  expect(await ticketRow(ctx.db.pool, t.id)).toEqual({ status: 'available', orderId: null, version: 2 });
  const ticketsBefore = (await ctx.db.pool.query('SELECT id, status, order_id, version FROM tickets ORDER BY id')).rows;
  const outboxBefore = (await outboxRows(ctx.db.pool)).length;
  const inboxCount = async () => (await ctx.db.pool.query('SELECT count(*)::int AS n FROM inbox')).rows[0].n as number;
  const inboxBefore = await inboxCount();

  // Lose the durable consumer's position (as if NATS lost its store): every event of the stream is delivered again,
  // with the same event ids, including this order.created that would otherwise hold the ticket once more.
  await ctx.consumer.stop();
  await ctx.tb.bus.jsm.consumers.delete(ctx.tb.bus.streamName('ORDERS'), 'tickets');
  ctx.consumer = await startConsumers([ordersConsumer()], { service: 'tickets', bus: ctx.tb.bus, pool: ctx.db.pool, logger: quietLogger, backoffMs: [100] });
  const info = () => ctx.tb.bus.jsm.consumers.info(ctx.tb.bus.streamName('ORDERS'), 'tickets');
  const streamLast = (await ctx.tb.bus.jsm.streams.info(ctx.tb.bus.streamName('ORDERS'))).state.last_seq;
  await waitFor(async () => {
    const i = await info();
    expect(i.ack_floor.stream_seq).toBe(streamLast);
    expect(i.num_pending + i.num_ack_pending).toBe(0);
  });

  expect((await ctx.db.pool.query('SELECT id, status, order_id, version FROM tickets ORDER BY id')).rows).toEqual(ticketsBefore);
  expect((await outboxRows(ctx.db.pool)).length).toBe(outboxBefore);
  // Every replayed event was recognised by its id and skipped, not re-applied.
  expect(await inboxCount()).toBe(inboxBefore);
});
