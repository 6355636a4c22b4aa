import request from 'supertest';
import { collectEvents, publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { catalogEvent, listingSnapshot, ordersTestApp, seatsOf, startEventHarness, type EventHarness } from './support';

/**
 * Invariant 5 through real NATS: listing.changed (a whole snapshot) keeps the newest version in the listings replica,
 * whatever order the snapshots arrive in; its tickets are stored once. The catalogue's events arrive on EVENTS. A
 * trigger (test database only) records every committed write to the replica, so the tests see what was applied.
 */

let h: EventHarness;

beforeAll(async () => {
  h = await startEventHarness({
    prepareDatabase: async (db) => {
      await db.pool.query(`
        CREATE TABLE listing_history (seq bigserial PRIMARY KEY, id uuid, version int, price_cents int);
        CREATE FUNCTION record_listing_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO listing_history (id, version, price_cents) VALUES (NEW.id, NEW.version, NEW.price_cents);
          RETURN NULL;
        END $$;
        CREATE TRIGGER record_listing_write AFTER INSERT OR UPDATE ON listings FOR EACH ROW EXECUTE FUNCTION record_listing_write();`);
    },
  });
});
afterAll(async () => {
  await h.stop();
});

async function history(listingId: string): Promise<number[]> {
  const { rows } = await h.db.pool.query('SELECT version FROM listing_history WHERE id = $1 ORDER BY seq', [listingId]);
  return rows.map((r) => r.version);
}

const processed = async (eventId: string) => (await h.db.pool.query("SELECT 1 FROM inbox WHERE consumer = 'orders' AND event_id = $1", [eventId])).rowCount === 1;
const replica = async (listingId: string) =>
  (await h.db.pool.query('SELECT version, price_cents AS "priceCents", status FROM listings WHERE id = $1', [listingId])).rows[0];
const replicaTickets = async (listingId: string) =>
  (await h.db.pool.query('SELECT id, seat, position FROM listing_tickets WHERE listing_id = $1 ORDER BY position', [listingId])).rows;

test('listing.changed enters the replica with its tickets in seat order; the same version again changes nothing', async () => {
  const l = listingSnapshot({ seats: ['F11', 'F12', 'F13', 'F14'] });
  await publishTestEvent(h.bus, 'listing.changed', l);
  await waitFor(async () => expect(await replica(l.id)).toEqual({ version: 0, priceCents: 2500, status: 'active' }));
  expect(await replicaTickets(l.id)).toEqual(l.tickets.map((t, position) => ({ id: t.id, seat: t.seat, position })));

  const again = await publishTestEvent(h.bus, 'listing.changed', { ...l, priceCents: 9999 });
  await waitFor(() => processed(again));
  expect(await history(l.id)).toEqual([0]);
});

test('v3 delivered before v2: v3 is applied at once (a whole snapshot needs no predecessor), v2 and copies are ignored', async () => {
  const l = listingSnapshot();
  await publishTestEvent(h.bus, 'listing.changed', l);
  await publishTestEvent(h.bus, 'listing.changed', { ...l, version: 1, priceCents: 2600 });
  await waitFor(async () => expect((await replica(l.id))?.version).toBe(1));

  const v3 = await publishTestEvent(h.bus, 'listing.changed', { ...l, version: 3, priceCents: 2800, tickets: l.tickets.map((t, i) => ({ ...t, status: i ? ('available' as const) : ('held' as const) })) });
  await waitFor(() => processed(v3));
  expect(await replica(l.id)).toEqual({ version: 3, priceCents: 2800, status: 'active' });
  const v2 = await publishTestEvent(h.bus, 'listing.changed', { ...l, version: 2, priceCents: 2700 });
  const copy = await publishTestEvent(h.bus, 'listing.changed', { ...l, version: 3, priceCents: 1 });
  await waitFor(async () => expect([await processed(v2), await processed(copy)]).toEqual([true, true]));
  expect(await history(l.id)).toEqual([0, 1, 3]);
  expect(await replica(l.id)).toEqual({ version: 3, priceCents: 2800, status: 'active' });
  expect(await replicaTickets(l.id)).toHaveLength(4);
});

test('event.* keeps the catalogue replica: an order shows its event, and a cancelled event closes its listings', async () => {
  const app = ordersTestApp(h.db.pool);
  const event = catalogEvent({ name: 'Quartet at the docks' });
  const l = listingSnapshot({ eventId: event.id, seats: seatsOf(4) });
  await publishTestEvent(h.bus, 'listing.changed', l);
  await waitFor(async () => expect(await replica(l.id)).toBeDefined());

  const buyer = signedInUser();
  // The listing is known, its event not yet: not orderable yet.
  expect((await request(app).post('/api/orders').set('Cookie', buyer.cookie).send({ listingId: l.id, quantity: 2 })).status).toBe(404);
  await publishTestEvent(h.bus, 'event.scheduled', event);
  await waitFor(async () => expect((await h.db.pool.query('SELECT 1 FROM catalog_events WHERE id = $1', [event.id])).rowCount).toBe(1));
  const held = await request(app).post('/api/orders').set('Cookie', buyer.cookie).send({ listingId: l.id, quantity: 2 });
  expect(held.status).toBe(201);
  expect(held.body.event).toMatchObject({ id: event.id, name: 'Quartet at the docks', timeZone: 'Europe/Lisbon' });

  await publishTestEvent(h.bus, 'event.cancelled', { ...event, version: 1, status: 'cancelled' });
  await waitFor(async () => expect((await h.db.pool.query('SELECT status FROM catalog_events WHERE id = $1', [event.id])).rows[0].status).toBe('cancelled'));
  const refused = await request(app).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId: l.id, quantity: 2 });
  expect(refused.status).toBe(409);
  expect(refused.body.errors[0].message).toBe('This event is cancelled');
});

test('the price is fixed at creation: a later listing.changed with another price does not change the order or its event', async () => {
  const app = ordersTestApp(h.db.pool);
  const orderEvents = await collectEvents(h.bus, 'ORDERS', ['order.created']);
  try {
    const event = catalogEvent();
    await publishTestEvent(h.bus, 'event.scheduled', event);
    const l = listingSnapshot({ eventId: event.id, priceCents: 1000, seats: seatsOf(4) });
    await publishTestEvent(h.bus, 'listing.changed', l);
    await waitFor(async () => {
      expect(await replica(l.id)).toBeDefined();
      expect((await h.db.pool.query('SELECT 1 FROM catalog_events WHERE id = $1', [event.id])).rowCount).toBe(1);
    });

    const buyer = signedInUser();
    const order = await request(app).post('/api/orders').set('Cookie', buyer.cookie).send({ listingId: l.id, quantity: 2 });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ unitPrice: 10, buyerFee: 2, total: 22 });

    await publishTestEvent(h.bus, 'listing.changed', { ...l, version: 1, priceCents: 25_000, section: 'Balcony' });
    await waitFor(async () => expect((await replica(l.id))?.version).toBe(1));

    const read = await request(app).get(`/api/orders/${order.body.id}`).set('Cookie', buyer.cookie);
    expect(read.body).toMatchObject({ unitPrice: 10, buyerFee: 2, total: 22, section: 'Block 512' });
    // What payments will charge comes from order.created, which the relay published with the order's own total.
    const published = await orderEvents.waitFor('order.created', (p) => p.id === order.body.id);
    expect(published.payload).toMatchObject({ listingId: l.id, quantity: 2, unitPriceCents: 1000, buyerFeeCents: 200, totalCents: 2200 });
  } finally {
    await orderEvents.stop();
  }
});
