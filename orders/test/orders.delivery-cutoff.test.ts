import request from 'supertest';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import { spanOfHours } from '../src/domain/place-order';
import { createOrdersTestDatabase, ordersTestApp, seatsOf, seedEvent, seedListing } from './support';

/**
 * A `later` listing stops selling DELIVERY_CUTOFF_HOURS before its event (its seller's delivery deadline); instant
 * listings sell until the event starts. An instant listing still waiting for its items (`pending`) is not on sale.
 */

let db: TestDatabase;

beforeAll(async () => {
  db = await createOrdersTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));

test('a later listing sells until startsAt − cutoff, then 409 saying when sales closed; an instant listing of the event still sells', async () => {
  const cutoffSeconds = 2;
  const app = ordersTestApp(db.pool, { deliveryCutoffHours: cutoffSeconds / 3600 });
  const startsAt = new Date(Date.now() + 5_000);
  const event = await seedEvent(db.pool, { startsAt: startsAt.toISOString() });
  const later = await seedListing(db.pool, { eventId: event.id, seats: seatsOf(4), delivery: 'later' });
  const instant = await seedListing(db.pool, { eventId: event.id, seats: seatsOf(4), delivery: 'instant' });
  const order = (listingId: string) => request(app).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId, quantity: 1 });

  expect((await order(later.id)).status).toBe(201);

  const closedAt = startsAt.getTime() - cutoffSeconds * 1000;
  await sleepUntil(closedAt + 50);
  const refused = await order(later.id);
  expect(refused.status).toBe(409);
  const closedText = new Date(closedAt).toISOString().slice(0, 16).replace('T', ' ');
  expect(refused.body.errors[0].message).toBe(
    `Tickets delivered later stop selling 2 seconds before the event: sales of this listing closed at ${closedText} UTC. ` +
      'Listings with instant delivery still sell until the event starts',
  );
  expect((await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE listing_id = $1', [later.id])).rows[0].n).toBe(1);

  expect((await order(instant.id)).status).toBe(201);
});

test('the default cutoff (24 hours): a later listing of an event 23 hours away is refused, one 25 hours away sells', async () => {
  const app = ordersTestApp(db.pool);
  const order = (listingId: string) => request(app).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId, quantity: 1 });
  const soon = await seedEvent(db.pool, { startsAt: new Date(Date.now() + 23 * 3_600_000).toISOString() });
  const refused = await order((await seedListing(db.pool, { eventId: soon.id, delivery: 'later' })).id);
  expect(refused.status).toBe(409);
  expect(refused.body.errors[0].message).toMatch(/^Tickets delivered later stop selling 24 hours before the event: sales of this listing closed at /);
  expect((await order((await seedListing(db.pool, { eventId: soon.id, delivery: 'instant' })).id)).status).toBe(201);
  const later = await seedEvent(db.pool, { startsAt: new Date(Date.now() + 25 * 3_600_000).toISOString() });
  expect((await order((await seedListing(db.pool, { eventId: later.id, delivery: 'later' })).id)).status).toBe(201);
});

test('a pending listing (instant, waiting for its items) is not orderable: 409, nothing stored', async () => {
  const app = ordersTestApp(db.pool);
  const pending = await seedListing(db.pool, { status: 'pending', delivery: 'instant', seats: seatsOf(2) });
  const res = await request(app).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId: pending.id, quantity: 1 });
  expect(res.status).toBe(409);
  expect(res.body.errors[0].message).toBe('This listing is not on sale yet');
  expect((await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE listing_id = $1', [pending.id])).rows[0].n).toBe(0);
});

test('the cutoff is named in the unit it was configured in', () => {
  expect(spanOfHours(24)).toBe('24 hours');
  expect(spanOfHours(1)).toBe('1 hour');
  expect(spanOfHours(1.5)).toBe('90 minutes');
  expect(spanOfHours(0.5)).toBe('30 minutes');
  expect(spanOfHours(2 / 3600)).toBe('2 seconds');
});
