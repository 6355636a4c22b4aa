import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LEGACY_EVENT_ID } from '@ticketing/common';
import { collectEvents, publishTestEvent, refuseOutboxRows, signedInAdmin, waitFor, type EventCollector } from '@ticketing/common/testing';
import { catalogTestApp, listingSnapshot, outboxEvents, startEventHarness, type EventHarness } from './support';

/**
 * Tickets listed before events existed were migrated into one-ticket listings under LEGACY_EVENT_ID (tickets'
 * migration 0002 writes one listing.changed per listing). Catalog owns events: the first such listing creates the
 * event, in the listing's transaction with its event.scheduled, so the listings show under a real event.
 * The event's id is fixed, so each scenario gets a database and bus namespace of its own.
 */

const LEGACY_EVENT = {
  id: LEGACY_EVENT_ID,
  version: 0,
  name: 'Listings from before events',
  category: 'other',
  venue: { name: 'Venue to be announced', city: 'To be announced', country: 'US' },
  timeZone: 'UTC',
  startsAt: '2027-12-31T20:00:00.000Z',
  status: 'scheduled',
  artwork: null,
};

/** A migrated listing: one unnumbered ticket at its old price, under the legacy event. */
const migratedListing = (priceCents: number) =>
  listingSnapshot({ eventId: LEGACY_EVENT_ID, quantity: 1, section: 'General admission', row: null, priceCents, faceValueCents: priceCents });

function harnessForScenario(): { h: EventHarness; published: EventCollector } {
  const s = {} as { h: EventHarness; published: EventCollector };
  beforeAll(async () => {
    s.h = await startEventHarness();
    s.published = await collectEvents(s.h.bus, 'EVENTS');
  });
  afterAll(async () => {
    await s.published?.stop();
    await s.h?.stop();
  });
  return s;
}

const eventRows = async (h: EventHarness) => (await h.db.pool.query('SELECT id FROM events')).rows.map((r) => r.id as string);
const listingRows = async (h: EventHarness) => (await h.db.pool.query('SELECT id FROM listings')).rows.map((r) => r.id as string);
const scheduledInOutbox = async (h: EventHarness) => (await outboxEvents(h.db.pool, LEGACY_EVENT_ID)).filter((e) => e.subject === 'event.scheduled');

describe('catalog without the legacy event', () => {
  const s = harnessForScenario();

  test('migrated listings arriving at once create the event once (version 0, scheduled, its fixed fields), announced once; they show under it', async () => {
    const listings = [migratedListing(2500), migratedListing(1999), migratedListing(4000)];
    await Promise.all(listings.map((l) => publishTestEvent(s.h.bus, 'listing.changed', l)));

    const app = catalogTestApp(s.h.db.pool);
    const read = await waitFor(async () => {
      const res = await request(app).get(`/api/events/${LEGACY_EVENT_ID}`);
      return res.status === 200 && res.body.summary.listings === 3 ? res.body : false;
    });
    expect(read).toEqual({ ...LEGACY_EVENT, summary: { listings: 3, ticketsAvailable: 3, minPrice: 19.99 } });
    expect((await scheduledInOutbox(s.h)).map((e) => e.payload)).toEqual([LEGACY_EVENT]);
    const announced = await s.published.waitFor('event.scheduled', (p) => p.id === LEGACY_EVENT_ID);
    expect(announced.payload).toEqual(LEGACY_EVENT);
    // Browsable like any upcoming event.
    const browsed = await request(app).get('/api/events').query({ category: 'other' });
    expect(browsed.body.events.map((e: { id: string }) => e.id)).toContain(LEGACY_EVENT_ID);
  });

  test('later legacy listings leave the event alone, even after an admin renamed it (never recreated, never reset)', async () => {
    const app = catalogTestApp(s.h.db.pool);
    const renamed = await request(app).put(`/api/events/${LEGACY_EVENT_ID}`).set('Cookie', signedInAdmin().cookie).send({ name: 'Resale from the old site' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ version: 1, name: 'Resale from the old site' });

    const later = migratedListing(3000);
    await publishTestEvent(s.h.bus, 'listing.changed', later);
    await waitFor(async () => (await listingRows(s.h)).includes(later.id));
    expect((await request(app).get(`/api/events/${LEGACY_EVENT_ID}`)).body).toMatchObject({ version: 1, name: 'Resale from the old site', summary: { listings: 4 } });
    expect(await scheduledInOutbox(s.h)).toHaveLength(1);
  });

  test('a listing naming any other unknown event creates no event (the event may simply not have arrived yet)', async () => {
    const eventId = randomUUID();
    const l = listingSnapshot({ eventId });
    await publishTestEvent(s.h.bus, 'listing.changed', l);
    await waitFor(async () => (await listingRows(s.h)).includes(l.id));
    expect(await eventRows(s.h)).toEqual([LEGACY_EVENT_ID]);
    expect(await outboxEvents(s.h.db.pool, eventId)).toEqual([]);
  });
});

describe('the event, its announcement and the listing commit together', () => {
  const s = harnessForScenario();

  test('event.scheduled refused: neither the event nor the listing is stored; once allowed, the redelivery stores all three', async () => {
    const refusal = await refuseOutboxRows(s.h.db.pool, 'event.scheduled');
    const l = migratedListing(2500);
    try {
      await publishTestEvent(s.h.bus, 'listing.changed', l);
      await waitFor(async () => (await refusal.refusals()) >= 2, { description: 'two deliveries refused' });
      expect(await eventRows(s.h)).toEqual([]);
      expect(await listingRows(s.h)).toEqual([]);
    } finally {
      await refusal.allow();
    }
    await waitFor(async () => (await listingRows(s.h)).includes(l.id), { timeoutMs: 10_000 });
    expect(await eventRows(s.h)).toEqual([LEGACY_EVENT_ID]);
    expect((await scheduledInOutbox(s.h)).map((e) => e.payload)).toEqual([LEGACY_EVENT]);
  });
});
