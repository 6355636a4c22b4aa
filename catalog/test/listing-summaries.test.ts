import request from 'supertest';
import { publishTestEvent, waitFor } from '@ticketing/common/testing';
import { catalogTestApp, listingSnapshot, nextSnapshot, seedEvent, startEventHarness, type EventHarness, type SnapshotFields } from './support';

/**
 * The summary read model through real NATS: tickets' listing.changed (a whole snapshot per version) is applied once,
 * never backwards, whatever the order and however often it arrives. A trigger (test database only) records every
 * committed write to the read model, so the tests see the sequence of versions stored, not just the end state.
 */

let h: EventHarness;

beforeAll(async () => {
  h = await startEventHarness({
    prepareDatabase: async (db) => {
      await db.pool.query(`
        CREATE TABLE listing_history (seq bigserial PRIMARY KEY, id uuid, version int, available int);
        CREATE FUNCTION record_listing_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO listing_history (id, version, available) VALUES (NEW.id, NEW.version, NEW.available);
          RETURN NULL;
        END $$;
        CREATE TRIGGER record_listing_write AFTER INSERT OR UPDATE ON listings FOR EACH ROW EXECUTE FUNCTION record_listing_write();`);
    },
  });
});
afterAll(async () => {
  await h.stop();
});

const summaryOf = async (eventId: string) => (await request(catalogTestApp(h.db.pool)).get(`/api/events/${eventId}`)).body.summary;
const versionsStored = async (listingId: string) =>
  (await h.db.pool.query('SELECT version FROM listing_history WHERE id = $1 ORDER BY seq', [listingId])).rows.map((r) => r.version as number);
const processed = async (eventId: string) =>
  (await h.db.pool.query("SELECT 1 FROM inbox WHERE consumer = 'catalog' AND event_id = $1", [eventId])).rows.length === 1;

const listing = (eventId: string, over: Omit<SnapshotFields, 'eventId'> = {}) => listingSnapshot({ eventId, ...over });

test('until tickets publishes, an event has an empty summary', async () => {
  const event = await seedEvent(h.db.pool);
  expect(await summaryOf(event.id)).toEqual({ listings: 0, ticketsAvailable: 0, minPrice: null });
});

test('listings on sale count: how many, how many tickets, the lowest price; sold and withdrawn ones do not', async () => {
  const event = await seedEvent(h.db.pool);
  const a = listing(event.id, { available: 2, priceCents: 7550 });
  const b = listing(event.id, { available: 3, priceCents: 4999 });
  const c = listing(event.id, { available: 5, priceCents: 1000 });
  for (const l of [a, b, c]) await publishTestEvent(h.bus, 'listing.changed', l);
  await waitFor(async () => expect(await summaryOf(event.id)).toEqual({ listings: 3, ticketsAvailable: 10, minPrice: 10 }));

  await publishTestEvent(h.bus, 'listing.changed', nextSnapshot(c, { version: 1, status: 'withdrawn', available: 0 }));
  await publishTestEvent(h.bus, 'listing.changed', nextSnapshot(b, { version: 1, status: 'sold', available: 0 }));
  await waitFor(async () => expect(await summaryOf(event.id)).toEqual({ listings: 1, ticketsAvailable: 2, minPrice: 75.5 }));

  // Active with nothing left to buy (every ticket held) is not on sale either.
  await publishTestEvent(h.bus, 'listing.changed', nextSnapshot(a, { version: 1, available: 0 }));
  await waitFor(async () => expect(await summaryOf(event.id)).toEqual({ listings: 0, ticketsAvailable: 0, minPrice: null }));
});

test('an instant listing waiting for its items (pending) is stored but not on sale; once active it counts', async () => {
  const event = await seedEvent(h.db.pool);
  const waiting = listing(event.id, { status: 'pending', delivery: 'instant', available: 4, priceCents: 2500 });
  const eventId = await publishTestEvent(h.bus, 'listing.changed', waiting);
  await waitFor(async () => expect(await processed(eventId)).toBe(true));
  expect(await versionsStored(waiting.id)).toEqual([0]);
  expect(await summaryOf(event.id)).toEqual({ listings: 0, ticketsAvailable: 0, minPrice: null });

  await publishTestEvent(h.bus, 'listing.changed', nextSnapshot(waiting, { version: 1, status: 'active' }));
  await waitFor(async () => expect(await summaryOf(event.id)).toEqual({ listings: 1, ticketsAvailable: 4, minPrice: 25 }));
});

test('redelivered and repeated: each version stored once', async () => {
  const event = await seedEvent(h.db.pool);
  const l = listing(event.id);
  const first = await publishTestEvent(h.bus, 'listing.changed', l);
  await waitFor(() => processed(first));
  // The same event id again (a relay's republish after a crash: JetStream's duplicate window drops it) and the same
  // version under a new id (a replay): neither stores anything.
  await publishTestEvent(h.bus, 'listing.changed', l, first);
  const replay = await publishTestEvent(h.bus, 'listing.changed', nextSnapshot(l, { available: 3 }));
  await waitFor(() => processed(replay));
  expect(await versionsStored(l.id)).toEqual([0]);
  expect(await summaryOf(event.id)).toEqual({ listings: 1, ticketsAvailable: 4, minPrice: 50 });
});

test('out of order: a newer version wins at once, an older one arriving late never takes the listing back', async () => {
  const event = await seedEvent(h.db.pool);
  const l = listing(event.id, { quantity: 6 });
  await publishTestEvent(h.bus, 'listing.changed', l);
  await waitFor(async () => expect(await versionsStored(l.id)).toEqual([0]));

  // v3 overtakes v1 and v2 on the wire: it is a whole snapshot, so it is the truth as of v3.
  const v3 = await publishTestEvent(h.bus, 'listing.changed', nextSnapshot(l, { version: 3, available: 1, priceCents: 6000 }));
  await waitFor(() => processed(v3));
  const v1 = await publishTestEvent(h.bus, 'listing.changed', nextSnapshot(l, { version: 1, available: 5 }));
  const v2 = await publishTestEvent(h.bus, 'listing.changed', nextSnapshot(l, { version: 2, available: 3 }));
  await waitFor(async () => expect([await processed(v1), await processed(v2)]).toEqual([true, true]));

  expect(await versionsStored(l.id)).toEqual([0, 3]);
  expect(await summaryOf(event.id)).toEqual({ listings: 1, ticketsAvailable: 1, minPrice: 60 });
});

test("many listings of one event changing at once, each with its versions shuffled: the summary ends at every listing's last version", async () => {
  const event = await seedEvent(h.db.pool);
  const listings = Array.from({ length: 12 }, (_, i) => listing(event.id, { quantity: 10, priceCents: 1000 + i * 100 }));
  const sends = listings.flatMap((l, i) =>
    [0, 1, 2, 3].map((version) => nextSnapshot(l, { version, available: version === 3 ? i % 3 : 10 - version })),
  );
  for (let i = sends.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [sends[i], sends[j]] = [sends[j]!, sends[i]!];
  }
  await Promise.all(sends.map((s) => publishTestEvent(h.bus, 'listing.changed', s)));

  const onSale = listings.filter((_, i) => i % 3 > 0);
  const expected = { listings: onSale.length, ticketsAvailable: listings.reduce((n, _, i) => n + (i % 3), 0), minPrice: 11 };
  await waitFor(async () => expect(await summaryOf(event.id)).toEqual(expected), { timeoutMs: 15_000 });
  for (const l of listings) {
    const stored = await versionsStored(l.id);
    expect(stored).toEqual([...stored].sort((a, b) => a - b));
    expect(new Set(stored).size).toBe(stored.length);
  }
});
