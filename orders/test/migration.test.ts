import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { COMMON_MIGRATIONS, isPgError, LEGACY_EVENT_ID, PG_UNIQUE_VIOLATION, runMigrations } from '@ticketing/common';
import { createTestDatabase, signedInUser, type TestDatabase } from '@ticketing/common/testing';
import { ONE_ACTIVE_ORDER_PER_TICKET } from '../src/data/orders.data';
import { ORDERS_MIGRATIONS } from '../src/migrations';
import { ordersTestApp } from './support';

/**
 * Migration, not reset: a database filled through the schema of the previous version (migration 0001: a replica of
 * one-ticket listings and orders of one ticket) is moved forward by the current migration list, data and all.
 */

let db: TestDatabase;
let oldOnly: string;

const seller = randomUUID();
const buyer = signedInUser();
const tickets = { held: randomUUID(), cancelled: randomUUID(), sold: randomUUID(), untouched: randomUUID() };
const orders = { held: randomUUID(), cancelled: randomUUID(), expired: randomUUID(), sold: randomUUID() };
const payment = randomUUID();

beforeAll(async () => {
  // The migrations as the previous version shipped them: common's and orders/0001 only.
  oldOnly = await mkdtemp(path.join(tmpdir(), 'orders-0001-'));
  await copyFile(path.join(__dirname, '../migrations/0001_tickets_orders.sql'), path.join(oldOnly, '0001_tickets_orders.sql'));
  db = await createTestDatabase([COMMON_MIGRATIONS, { dir: oldOnly, prefix: 'orders/' }], 'orders_migration');

  const insertTicket = (id: string, priceCents: number, version: number) =>
    db.pool.query('INSERT INTO tickets (id, title, price_cents, user_id, version) VALUES ($1, $2, $3, $4, $5)', [id, 'Old ticket', priceCents, seller, version]);
  await insertTicket(tickets.held, 4000, 1);
  await insertTicket(tickets.cancelled, 2500, 0);
  await insertTicket(tickets.sold, 1999, 2);
  await insertTicket(tickets.untouched, 1000, 0);
  const insertOrder = (id: string, ticketId: string, status: string, priceCents: number, extra: { reason?: string; paymentId?: string; expiresIn?: string } = {}) =>
    db.pool.query(
      `INSERT INTO orders (id, user_id, ticket_id, status, expires_at, price_cents, version, payment_id, cancel_reason)
       VALUES ($1, $2, $3, $4, now() + $5::interval, $6, $7, $8, $9)`,
      [id, buyer.id, ticketId, status, extra.expiresIn ?? '15 minutes', priceCents, status === 'created' ? 0 : 1, extra.paymentId ?? null, extra.reason ?? null],
    );
  await insertOrder(orders.held, tickets.held, 'created', 4000);
  await insertOrder(orders.cancelled, tickets.cancelled, 'cancelled', 2500, { reason: 'cancelled' });
  await insertOrder(orders.expired, tickets.cancelled, 'cancelled', 2500, { reason: 'expired', expiresIn: '-5 minutes' });
  await insertOrder(orders.sold, tickets.sold, 'complete', 1999, { paymentId: payment });

  expect(await runMigrations(db.pool, ORDERS_MIGRATIONS)).toEqual(['catalog-events/0001_catalog_events.sql', 'orders/0002_orders_of_k.sql', 'orders/0003_delivery.sql', 'orders/0004_event_cancelled.sql']);
});
afterAll(async () => {
  await db.drop();
  await rm(oldOnly, { recursive: true, force: true });
});

test('old replica tickets become one-ticket listings (id = ticket id) under the legacy event, which the migration inserts', async () => {
  const { rows: listings } = await db.pool.query(
    'SELECT id, event_id, seller_id, section, row, price_cents, face_value_cents, split, delivery, status, version FROM listings ORDER BY price_cents',
  );
  const listing = (id: string, priceCents: number, version: number, status = 'active') => ({
    id, event_id: LEGACY_EVENT_ID, seller_id: seller, section: 'General admission', row: null, price_cents: priceCents,
    face_value_cents: priceCents, split: 'any', delivery: 'later', status, version,
  });
  expect(listings).toEqual([
    listing(tickets.untouched, 1000, 0),
    listing(tickets.sold, 1999, 2, 'sold'),
    listing(tickets.cancelled, 2500, 0),
    listing(tickets.held, 4000, 1),
  ]);
  const { rows: listingTickets } = await db.pool.query('SELECT id, listing_id, seat, position FROM listing_tickets');
  expect(listingTickets).toHaveLength(4);
  for (const t of listingTickets) expect(t).toEqual({ id: t.listing_id, listing_id: t.listing_id, seat: null, position: 0 });

  const { rows: events } = await db.pool.query('SELECT id, version, name, category, venue, time_zone, starts_at, status FROM catalog_events');
  expect(events).toEqual([
    {
      id: LEGACY_EVENT_ID, version: 0, name: 'Listings from before events', category: 'other',
      venue: { name: 'Venue to be announced', city: 'To be announced', country: 'US' }, time_zone: 'UTC',
      starts_at: new Date('2027-12-31T20:00:00Z'), status: 'scheduled',
    },
  ]);
  expect((await db.pool.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'tickets'")).rowCount).toBe(0);
});

test('old orders become orders of one ticket at their price, without fees, each with one order_tickets row', async () => {
  const { rows } = await db.pool.query(
    `SELECT o.id, o.status, o.cancel_reason, o.listing_id, o.event_id, o.seller_id, o.section, o.quantity, o.unit_price_cents,
            o.buyer_fee_cents, o.seller_fee_cents, o.total_cents, o.ended_at IS NOT NULL AS ended,
            array_agg(ot.ticket_id) AS tickets, bool_and(ot.active) AS active
     FROM orders o JOIN order_tickets ot ON ot.order_id = o.id GROUP BY o.id`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const expected = (ticketId: string, priceCents: number, status: string, active: boolean, reason: string | null = null) => ({
    status, cancel_reason: reason, listing_id: ticketId, event_id: LEGACY_EVENT_ID, seller_id: seller, section: 'General admission',
    quantity: 1, unit_price_cents: priceCents, buyer_fee_cents: 0, seller_fee_cents: 0, total_cents: priceCents,
    ended: status !== 'created', tickets: [ticketId], active,
  });
  expect(byId.get(orders.held)).toMatchObject(expected(tickets.held, 4000, 'created', true));
  expect(byId.get(orders.cancelled)).toMatchObject(expected(tickets.cancelled, 2500, 'cancelled', false, 'cancelled'));
  expect(byId.get(orders.expired)).toMatchObject(expected(tickets.cancelled, 2500, 'cancelled', false, 'expired'));
  expect(byId.get(orders.sold)).toMatchObject(expected(tickets.sold, 1999, 'complete', true));
});

test('0003: orders from before delivery wait for it with no deadline, no ticket is retired, a listing may be pending', async () => {
  const { rows } = await db.pool.query('SELECT DISTINCT delivery_status, delivery_deadline, delivered_at FROM orders');
  expect(rows).toEqual([{ delivery_status: 'pending', delivery_deadline: null, delivered_at: null }]);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM listing_tickets WHERE retired')).rows[0].n).toBe(0);
  expect((await db.pool.query("UPDATE listings SET status = 'pending' WHERE id = $1", [tickets.untouched])).rowCount).toBe(1);
  await db.pool.query("UPDATE listings SET status = 'active' WHERE id = $1", [tickets.untouched]);
});

test('the per-ticket unique index still refuses a second active order for a migrated ticket', async () => {
  const secondOrder = randomUUID();
  await db.pool.query(
    `INSERT INTO orders (id, user_id, listing_id, event_id, seller_id, section, status, expires_at, quantity, unit_price_cents,
                         buyer_fee_cents, seller_fee_cents, total_cents)
     VALUES ($1, $2, $3, $4, $5, 'General admission', 'created', now() + interval '15 minutes', 1, 4000, 0, 0, 4000)`,
    [secondOrder, randomUUID(), tickets.held, LEGACY_EVENT_ID, seller],
  );
  const error = await db.pool
    .query('INSERT INTO order_tickets (order_id, ticket_id, seat, position, active) VALUES ($1, $2, NULL, 0, true)', [secondOrder, tickets.held])
    .catch((err: unknown) => err);
  expect(isPgError(error, PG_UNIQUE_VIOLATION, ONE_ACTIVE_ORDER_PER_TICKET)).toBe(true);
  await db.pool.query('DELETE FROM orders WHERE id = $1', [secondOrder]);
});

test('through the API: migrated orders read in the new shape; a held or sold migrated ticket is refused, a free one is sold', async () => {
  const app = ordersTestApp(db.pool);
  const read = await request(app).get(`/api/orders/${orders.held}`).set('Cookie', buyer.cookie);
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({
    status: 'created', reason: null, listingId: tickets.held, sellerId: seller, section: 'General admission', row: null,
    tickets: [{ id: tickets.held, seat: null }], quantity: 1, unitPrice: 40, buyerFee: 0, total: 40,
    event: { id: LEGACY_EVENT_ID, name: 'Listings from before events', timeZone: 'UTC' },
    delivery: { status: 'pending', deadline: null, deliveredAt: null },
  });

  const other = signedInUser();
  const order = (listingId: string) => request(app).post('/api/orders').set('Cookie', other.cookie).send({ listingId, quantity: 1 });
  expect((await order(tickets.held)).status).toBe(409);
  expect((await order(tickets.sold)).status).toBe(409);
  const fresh = await order(tickets.cancelled);
  expect(fresh.status).toBe(201);
  expect(fresh.body).toMatchObject({ quantity: 1, unitPrice: 25, buyerFee: 2.5, total: 27.5, tickets: [{ id: tickets.cancelled, seat: null }] });
});
