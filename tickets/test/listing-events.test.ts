import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { publishTestEvent, refuseOutboxRows, signedInUser, waitFor } from '@ticketing/common/testing';
import { scheduledEvent, startTicketsWithBus, type TicketsWithBus } from './events-support';
import { orderCreated } from './order-fixtures';
import { createListingAs, outboxRows, seedEvent } from './support';

let ctx: TicketsWithBus;
beforeAll(async () => {
  ctx = await startTicketsWithBus();
});
afterAll(async () => {
  await ctx.stop();
});

const pool = () => ctx.harness.db.pool;
const body = (eventId: string) => ({ eventId, section: 'Stalls', quantity: 2, price: 30, faceValue: 30, split: 'any' });

test('a listing created over HTTP reaches the namespaced LISTINGS stream as listing.changed, Nats-Msg-Id = outbox event id', async () => {
  const eventId = await seedEvent(pool());
  const res = await request(ctx.app).post('/api/listings').set('Cookie', signedInUser().cookie).set('x-request-id', 'req-listing-1').send(body(eventId)).expect(201);
  const event = await ctx.published.waitFor('listing.changed', (p) => p.id === res.body.id);
  expect(event.payload).toMatchObject({ id: res.body.id, version: 0, available: 2, priceCents: 3000 });
  const [row] = (await outboxRows(pool())).filter((r) => r.payload.id === res.body.id);
  expect(event.headers['Nats-Msg-Id']).toBe(row!.event_id);
  expect(event.headers['X-Request-Id']).toBe('req-listing-1');
  const stream = await ctx.harness.bus.jsm.streams.info(ctx.harness.bus.streamName('LISTINGS'));
  expect(stream.config.subjects).toEqual([expect.stringMatching(/^[^.]+\.listing\.>$/)]);
  await waitFor(async () => expect((await pool().query('SELECT sent_at FROM outbox WHERE event_id = $1', [row!.event_id])).rows[0].sent_at).not.toBeNull());
});

test('catalogue events reach the replica: a listing can be created once event.scheduled arrived, and not after event.cancelled', async () => {
  const seller = signedInUser();
  const event = scheduledEvent(randomUUID());
  const post = () => request(ctx.app).post('/api/listings').set('Cookie', seller.cookie).send(body(event.id));
  expect((await post().expect(400)).body.errors[0]).toMatchObject({ field: 'eventId' });
  await ctx.applied(await publishTestEvent(ctx.harness.bus, 'event.scheduled', event));
  const created = await post().expect(201);
  expect(created.body.event).toMatchObject({ id: event.id, name: 'Open air', timeZone: 'Europe/Berlin' });
  await ctx.applied(await publishTestEvent(ctx.harness.bus, 'event.cancelled', { ...event, version: 1, status: 'cancelled' }));
  expect((await post().expect(409)).body.errors[0].message).toBe('This event is cancelled');
  // An older version arriving late changes nothing (newest version wins).
  await ctx.applied(await publishTestEvent(ctx.harness.bus, 'event.updated', { ...event, version: 0, name: 'Stale' }));
  expect((await pool().query('SELECT name, status FROM catalog_events WHERE id = $1', [event.id])).rows).toEqual([{ name: 'Open air', status: 'cancelled' }]);
});

test('a hold and its snapshot are one transaction: while the outbox refuses, the hold is not stored; once it accepts, it is applied once', async () => {
  const eventId = await seedEvent(pool());
  const listing = await createListingAs(ctx.app, signedInUser(), { eventId, seats: ['1', '2'] });
  const refusal = await refuseOutboxRows(pool(), 'listing.changed');
  const order = orderCreated(listing, listing.tickets);
  let orderEventId: string;
  try {
    orderEventId = await publishTestEvent(ctx.harness.bus, 'order.created', order);
    await waitFor(async () => expect(await refusal.refusals()).toBeGreaterThanOrEqual(2), { description: 'the handler to have been refused and retried' });
    const tickets = await pool().query('SELECT status FROM tickets WHERE listing_id = $1', [listing.id]);
    expect(tickets.rows.map((t) => t.status)).toEqual(['available', 'available']);
    expect((await pool().query('SELECT version FROM listings WHERE id = $1', [listing.id])).rows[0].version).toBe(0);
    expect((await pool().query('SELECT 1 FROM known_orders WHERE order_id = $1', [order.id])).rowCount).toBe(0);
  } finally {
    await refusal.allow();
  }
  await ctx.applied(orderEventId);
  const tickets = await pool().query('SELECT status, order_id FROM tickets WHERE listing_id = $1', [listing.id]);
  expect(tickets.rows).toEqual([
    { status: 'held', order_id: order.id },
    { status: 'held', order_id: order.id },
  ]);
  expect((await outboxRows(pool())).filter((r) => r.payload.id === listing.id).map((r) => r.payload.version)).toEqual([0, 1]);
});
