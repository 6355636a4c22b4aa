import request from 'supertest';
import type { EventRow, NewEvent } from '../src/data/events.data';
import { catalogForFile, daysFromNow, seedEvent } from './support';

// GET /api/events: what a buyer browsing or searching sees. Each describe seeds its own events with a name or city
// that no other block uses, and filters on it, so the blocks do not see each other's events.

const t = catalogForFile();

type Listed = { id: string; name: string; startsAt: string; venue: { city: string } };
const list = async (query: Record<string, string | number>) => {
  const res = await request(t.app).get('/api/events').query(query);
  expect(res.status).toBe(200);
  return res.body as { events: Listed[]; nextCursor: string | null };
};
const names = async (query: Record<string, string | number>) => (await list(query)).events.map((e) => e.name);
const seed = (over: Partial<NewEvent>) => seedEvent(t.db.pool, over);

describe('search: name, venue and city, tolerant of typos and word order', () => {
  beforeAll(async () => {
    await seed({ name: 'Radiohead', venueName: 'Wembley Arena', venueCity: 'London', startsAt: daysFromNow(40) });
    await seed({ name: 'Radiohead', venueName: 'Madison Square Garden', venueCity: 'New York', venueCountry: 'US', timeZone: 'America/New_York', startsAt: daysFromNow(50) });
    await seed({ name: 'Radio Symphony Orchestra', venueName: 'Royal Albert Hall', venueCity: 'London', startsAt: daysFromNow(5) });
    await seed({ name: 'Coldplay', venueName: 'Arena Wembley', venueCity: 'London', startsAt: daysFromNow(20) });
    await seed({ name: 'Arctic Monkeys', venueName: 'Wembley Stadium', venueCity: 'London', startsAt: daysFromNow(10) });
    await seed({ name: 'The Lion King', category: 'theatre', venueName: 'Lyceum Theatre', venueCity: 'London', startsAt: daysFromNow(3) });
    await seed({ name: 'Adele', venueName: 'Olympiastadion', venueCity: 'München', venueCountry: 'DE', timeZone: 'Europe/Berlin', startsAt: daysFromNow(60) });
  });

  test('a misspelt name finds the event; what only looks a little alike ranks after it; the rest is absent', async () => {
    const found = await names({ q: 'Radiohaed' });
    expect(found.slice(0, 2)).toEqual(['Radiohead', 'Radiohead']);
    expect(found.slice(2)).toEqual(['Radio Symphony Orchestra']);
  });

  test('equally good matches come soonest first', async () => {
    const found = (await list({ q: 'radiohead' })).events.filter((e) => e.name === 'Radiohead');
    expect(found.map((e) => e.venue.city)).toEqual(['London', 'New York']);
  });

  test('the venue in either word order, and words spread over name, venue and city, find it', async () => {
    expect(await names({ q: 'Arena Wembley' })).toEqual(['Coldplay', 'Radiohead']);
    expect(await names({ q: 'Wembley Arena' })).toEqual(['Coldplay', 'Radiohead']);
    // Every word must match: the New York night is out; "Radio" in London matches less well and comes after.
    const london = (await list({ q: 'london radiohead' })).events;
    expect(london.map((e) => [e.name, e.venue.city])).toEqual([['Radiohead', 'London'], ['Radio Symphony Orchestra', 'London']]);
    expect(await names({ q: 'Radiohead in New York' })).toEqual(['Radiohead']);
  });

  test('typos in a venue and a band, accents either way, half-typed words', async () => {
    expect(await names({ q: 'coldpaly wembly' })).toEqual(['Coldplay']);
    expect(await names({ q: 'Arctic Monkies' })).toEqual(['Arctic Monkeys']);
    expect(await names({ q: 'Munchen' })).toEqual(['Adele']);
    expect(await names({ q: 'lion kin' })).toEqual(['The Lion King']);
  });

  test('nothing alike finds nothing; a search of only punctuation is no search', async () => {
    expect(await names({ q: 'Metallica', city: 'London' })).toEqual([]);
    expect(await names({ q: ' !!! ', city: 'München' })).toEqual(['Adele']);
  });
});

describe('filters', () => {
  let cancelledId: string;
  let pastId: string;
  beforeAll(async () => {
    await seed({ name: 'Fado night', category: 'concert', venueCity: 'Lisboa', venueCountry: 'PT', timeZone: 'Europe/Lisbon', startsAt: daysFromNow(2) });
    await seed({ name: 'Stand-up special', category: 'comedy', venueCity: 'Lisboa', venueCountry: 'PT', timeZone: 'Europe/Lisbon', startsAt: daysFromNow(12) });
    await seed({ name: 'Benfica v Porto', category: 'sports', venueCity: 'Lisboa', venueCountry: 'PT', timeZone: 'Europe/Lisbon', startsAt: daysFromNow(22) });
    const cancelled = await seed({ name: 'Cancelled gig', venueCity: 'Lisboa', venueCountry: 'PT', timeZone: 'Europe/Lisbon', startsAt: daysFromNow(4) });
    await t.db.pool.query(`UPDATE events SET status = 'cancelled', version = 1 WHERE id = $1`, [cancelled.id]);
    cancelledId = cancelled.id;
    pastId = (await seed({ name: 'Last night', venueCity: 'Lisboa', venueCountry: 'PT', timeZone: 'Europe/Lisbon', startsAt: daysFromNow(-0.5) })).id;
  });

  test('scheduled events that are not over, soonest first; past and cancelled ones stay readable by id', async () => {
    expect(await names({ city: 'Lisboa' })).toEqual(['Fado night', 'Stand-up special', 'Benfica v Porto']);
    expect((await request(t.app).get(`/api/events/${pastId}`)).body).toMatchObject({ name: 'Last night', status: 'scheduled' });
    expect((await request(t.app).get(`/api/events/${cancelledId}`)).body).toMatchObject({ name: 'Cancelled gig', status: 'cancelled' });
  });

  test('city ignores case and accents; category; a date range (plain dates are whole UTC days)', async () => {
    expect(await names({ city: 'LISBOA' })).toHaveLength(3);
    expect(await names({ city: 'Lisboa', category: 'comedy' })).toEqual(['Stand-up special']);
    const day = (d: number) => daysFromNow(d).toISOString().slice(0, 10);
    expect(await names({ city: 'Lisboa', from: day(10), to: day(13) })).toEqual(['Stand-up special']);
    expect(await names({ city: 'Lisboa', from: daysFromNow(11).toISOString(), to: daysFromNow(30).toISOString() })).toEqual(['Stand-up special', 'Benfica v Porto']);
    expect(await names({ city: 'Lisboa', q: 'benfica', category: 'sports' })).toEqual(['Benfica v Porto']);
  });

  test.each([
    ['category', { category: 'opera' }],
    ['from', { from: 'yesterday' }],
    ['to', { to: '2026-02-30' }],
    ['to', { from: '2030-01-02', to: '2030-01-01' }],
    ['limit', { limit: 0 }],
    ['limit', { limit: 101 }],
    ['cursor', { cursor: 'not-a-cursor' }],
    ['q', { q: 'x'.repeat(201) }],
  ])('400 naming %s', async (field, query) => {
    const res = await request(t.app).get('/api/events').query(query);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
  });

  test('a parameter given twice is refused, not half-read', async () => {
    const res = await request(t.app).get('/api/events?city=Lisboa&city=Porto');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('city');
  });
});

describe('paging', () => {
  const city = 'Pagington';
  const at = (d: number) => daysFromNow(d);

  /** Every page from the first, with `between(pageNumber)` run after each page is read. */
  async function pageThrough(query: Record<string, string | number>, between: (page: number) => Promise<void> = async () => undefined) {
    const seen: Listed[] = [];
    let cursor: string | null = null;
    for (let page = 1; ; page++) {
      const body = await list({ ...query, ...(cursor ? { cursor } : {}) });
      seen.push(...body.events);
      if (!body.nextCursor) return seen;
      cursor = body.nextCursor;
      await between(page);
      if (page > 50) throw new Error('paging does not end');
    }
  }

  test('events added while someone pages: no duplicates, nothing that was there is skipped, order kept', async () => {
    const before: EventRow[] = [];
    // Ten events on the same instant (ties broken by id) and ten spread out.
    for (let i = 0; i < 10; i++) before.push(await seed({ name: `Tie ${i}`, venueCity: city, startsAt: new Date(Math.floor(at(15).getTime() / 1000) * 1000) }));
    for (let i = 0; i < 10; i++) before.push(await seed({ name: `Spread ${i}`, venueCity: city, startsAt: at(5 + i * 2) }));
    const added: string[] = [];
    const seen = await pageThrough({ city, limit: 3 }, async (page) => {
      // Before the cursor, at its very instant, and after it: each page, three newcomers.
      for (const d of [1, 15, 40 + page]) added.push((await seed({ name: `Added ${page}/${d}`, venueCity: city, startsAt: d === 15 ? before[0]!.startsAt : at(d) })).id);
    });
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of before) expect(ids).toContain(e.id);
    const order = seen.map((e) => `${e.startsAt}|${e.id}`);
    expect(order).toEqual([...order].sort());
    // Newcomers after the cursor are shown when their turn comes; those before it are not (they belong to pages read).
    expect(ids.filter((id) => added.includes(id)).length).toBeGreaterThan(0);
  });

  test('a search pages by rank, then soonest, with the same guarantees', async () => {
    const q = 'Pagewell Quartet';
    const exact: EventRow[] = [];
    for (let i = 0; i < 5; i++) exact.push(await seed({ name: 'Pagewell Quartet', venueCity: 'Searchville', startsAt: at(3 + i) }));
    const fuzzy: EventRow[] = [];
    for (let i = 0; i < 4; i++) fuzzy.push(await seed({ name: 'Pagewel Quartett', venueCity: 'Searchville', startsAt: at(1 + i) }));
    const seen = await pageThrough({ q, city: 'Searchville', limit: 2 }, async (page) => {
      await seed({ name: 'Pagewell Quartet', venueCity: 'Searchville', startsAt: at(0.5 + page / 10) });
    });
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of [...exact, ...fuzzy]) expect(ids).toContain(e.id);
    // Every exact match before every near one.
    const lastExact = Math.max(...exact.map((e) => ids.indexOf(e.id)));
    expect(Math.min(...fuzzy.map((e) => ids.indexOf(e.id)))).toBeGreaterThan(lastExact);
  });

  test("a browsing cursor does not continue a search, nor the other way round", async () => {
    for (let i = 0; i < 3; i++) await seed({ name: 'Cursor check', venueCity: 'Cursorton', startsAt: at(2 + i) });
    const browsing = await list({ city: 'Cursorton', limit: 1 });
    const searching = await list({ q: 'cursor check', limit: 1 });
    expect((await request(t.app).get('/api/events').query({ q: 'cursor', cursor: browsing.nextCursor! })).status).toBe(400);
    expect((await request(t.app).get('/api/events').query({ cursor: searching.nextCursor! })).status).toBe(400);
  });
});
