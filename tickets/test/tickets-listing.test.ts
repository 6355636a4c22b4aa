import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signedInUser } from '@ticketing/common/testing';
import { createTicketAs, forceHold, ticketsAppForFile } from './support';

const ctx = ticketsAppForFile();

interface Listed {
  id: string;
  title: string;
  status: string;
  userId: string;
  createdAt: string;
}

/** Many tickets in one statement share one created_at (now() is the transaction's time): the id must break ties. */
async function seedTickets(n: number, opts: { userId?: string; sameInstant?: boolean; title?: (i: number) => string } = {}): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await ctx.db.pool.query(
    `INSERT INTO tickets (id, title, price_cents, user_id, created_at)
     SELECT id, title, 1000, $3, CASE WHEN $4 THEN now() ELSE now() - (ord * interval '1 microsecond') END
       FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS s(id, title, ord)`,
    [ids, ids.map((_, i) => opts.title?.(i) ?? `Ticket ${i}`), opts.userId ?? randomUUID(), opts.sameInstant ?? false],
  );
  return ids;
}

async function walkAllPages(query: Record<string, string>): Promise<{ pages: Listed[][]; cursors: (string | null)[] }> {
  const pages: Listed[][] = [];
  const cursors: (string | null)[] = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await request(ctx.app)
      .get('/api/tickets')
      .query({ ...query, ...(cursor ? { cursor } : {}) })
      .expect(200);
    pages.push(res.body.tickets);
    cursor = res.body.nextCursor;
    cursors.push(cursor);
  } while (cursor && pages.length < 100);
  return { pages, cursors };
}

test('lists available tickets newest first, 20 by default, with a cursor to the next page', async () => {
  await seedTickets(25);
  const res = await request(ctx.app).get('/api/tickets').expect(200);
  expect(res.body.tickets).toHaveLength(20);
  expect(typeof res.body.nextCursor).toBe('string');
  const times = res.body.tickets.map((t: Listed) => t.createdAt);
  expect([...times].sort().reverse()).toEqual(times);
  expect(res.body.tickets[0]).toEqual({
    id: expect.any(String),
    title: 'Ticket 0',
    price: 10,
    userId: expect.any(String),
    status: 'available',
    orderId: null,
    version: 0,
    createdAt: expect.any(String),
  });
});

test('an empty listing has no next cursor', async () => {
  const res = await request(ctx.app).get('/api/tickets').expect(200);
  expect(res.body).toEqual({ tickets: [], nextCursor: null });
});

test.each([
  ['distinct microsecond timestamps', false],
  ['all created in the same instant (ties broken by id)', true],
])('pagination walks every available ticket exactly once: %s', async (_name, sameInstant) => {
  const ids = await seedTickets(47, { sameInstant });
  const { pages, cursors } = await walkAllPages({ limit: '10' });
  expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 7]);
  expect(cursors[cursors.length - 1]).toBeNull();
  const seen = pages.flat().map((t) => t.id);
  expect(seen).toHaveLength(47);
  expect(new Set(seen)).toEqual(new Set(ids));
});

test('a page boundary on an exact multiple ends with an empty-free last page', async () => {
  await seedTickets(20);
  const { pages } = await walkAllPages({ limit: '10' });
  // The second page knows nothing follows it: no third, empty request.
  expect(pages.map((p) => p.length)).toEqual([10, 10]);
});

test('tickets listed while paging do not shift or repeat the rest of the walk', async () => {
  const ids = await seedTickets(15);
  const first = await request(ctx.app).get('/api/tickets').query({ limit: 5 }).expect(200);
  await createTicketAs(ctx.app, signedInUser(), { title: 'Newcomer' });
  const rest = await walkAllPages({ limit: '5', cursor: first.body.nextCursor });
  const seen = [...first.body.tickets, ...rest.pages.flat()].map((t: Listed) => t.id);
  expect(seen).toEqual(expect.arrayContaining(ids));
  expect(seen).toHaveLength(15);
});

test('without sellerId only available tickets; with sellerId all of that seller’s, reserved and sold too', async () => {
  const seller = signedInUser();
  const [free, held, sold] = [
    await createTicketAs(ctx.app, seller, { title: 'free' }),
    await createTicketAs(ctx.app, seller, { title: 'held' }),
    await createTicketAs(ctx.app, seller, { title: 'sold' }),
  ];
  const other = await createTicketAs(ctx.app, signedInUser(), { title: 'other seller' });
  await forceHold(ctx.db.pool, held.id, 'reserved', randomUUID());
  await forceHold(ctx.db.pool, sold.id, 'sold', randomUUID());

  const all = await request(ctx.app).get('/api/tickets').expect(200);
  expect(all.body.tickets.map((t: Listed) => t.id).sort()).toEqual([free.id, other.id].sort());

  const mine = await request(ctx.app).get('/api/tickets').query({ sellerId: seller.id }).expect(200);
  expect(mine.body.tickets.map((t: Listed) => [t.title, t.status])).toEqual([
    ['sold', 'sold'],
    ['held', 'reserved'],
    ['free', 'available'],
  ]);
  expect(mine.body.tickets[0].orderId).toEqual(expect.any(String));

  const upper = await request(ctx.app).get('/api/tickets').query({ sellerId: seller.id.toUpperCase() }).expect(200);
  expect(upper.body.tickets).toHaveLength(3);
});

test('a seller’s listing pages through all of their tickets exactly once', async () => {
  const sellerId = randomUUID();
  const ids = await seedTickets(13, { userId: sellerId, sameInstant: true });
  await seedTickets(5); // someone else's
  await forceHold(ctx.db.pool, ids[3]!, 'sold', randomUUID());
  const { pages } = await walkAllPages({ sellerId, limit: '4' });
  expect(pages.map((p) => p.length)).toEqual([4, 4, 4, 1]);
  expect(new Set(pages.flat().map((t) => t.id))).toEqual(new Set(ids));
});

test('q searches titles case-insensitively by substring, and combines with paging', async () => {
  await seedTickets(12, { title: (i) => (i % 3 === 0 ? `The BEATLES tribute ${i}` : `Football ${i}`) });
  const res = await request(ctx.app).get('/api/tickets').query({ q: 'beatles' }).expect(200);
  expect(res.body.tickets.map((t: Listed) => t.title)).toEqual(['The BEATLES tribute 0', 'The BEATLES tribute 3', 'The BEATLES tribute 6', 'The BEATLES tribute 9']);
  const mixed = await request(ctx.app).get('/api/tickets').query({ q: '  bEaTlEs TRIB ' }).expect(200);
  expect(mixed.body.tickets).toHaveLength(4);
  const { pages } = await walkAllPages({ q: 'foot', limit: '3' });
  expect(pages.flat()).toHaveLength(8);
  const none = await request(ctx.app).get('/api/tickets').query({ q: 'opera' }).expect(200);
  expect(none.body).toEqual({ tickets: [], nextCursor: null });
});

test('q treats LIKE wildcards literally', async () => {
  await seedTickets(1, { title: () => '100% fun' });
  await seedTickets(1, { title: () => '100 x fun' });
  await seedTickets(1, { title: () => 'a_b' });
  const pct = await request(ctx.app).get('/api/tickets').query({ q: '0%' }).expect(200);
  expect(pct.body.tickets.map((t: Listed) => t.title)).toEqual(['100% fun']);
  const underscore = await request(ctx.app).get('/api/tickets').query({ q: '_' }).expect(200);
  expect(underscore.body.tickets.map((t: Listed) => t.title)).toEqual(['a_b']);
});

test('an empty q lists everything available', async () => {
  await seedTickets(3);
  const res = await request(ctx.app).get('/api/tickets?q=').expect(200);
  expect(res.body.tickets).toHaveLength(3);
});

test.each([
  ['limit=0', 'limit=0', 'limit'],
  ['limit=101', 'limit=101', 'limit'],
  ['limit=abc', 'limit=abc', 'limit'],
  ['limit=2.5', 'limit=2.5', 'limit'],
  ['empty limit', 'limit=', 'limit'],
  ['repeated limit', 'limit=1&limit=2', 'limit'],
  ['sellerId not a UUID', 'sellerId=bob', 'sellerId'],
  ['repeated sellerId', `sellerId=${randomUUID()}&sellerId=${randomUUID()}`, 'sellerId'],
  ['cursor garbage', 'cursor=%25%25%25', 'cursor'],
  ['cursor valid base64url but not ours', `cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'cursor'],
  ['repeated q', 'q=a&q=b', 'q'],
  ['q too long', `q=${'a'.repeat(201)}`, 'q'],
])('400 for %s, naming the field', async (_name, qs, field) => {
  const res = await request(ctx.app).get(`/api/tickets?${qs}`).expect(400);
  expect(res.body.errors).toEqual([expect.objectContaining({ field, message: expect.stringContaining(field) })]);
});

test('limit bounds 1 and 100 are accepted', async () => {
  await seedTickets(3);
  expect((await request(ctx.app).get('/api/tickets?limit=1').expect(200)).body.tickets).toHaveLength(1);
  expect((await request(ctx.app).get('/api/tickets?limit=100').expect(200)).body.tickets).toHaveLength(3);
});

test('every bad parameter is named at once, in a stable order', async () => {
  const res = await request(ctx.app).get('/api/tickets?cursor=x&limit=0&sellerId=bob&q=a&q=b').expect(400);
  expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['q', 'sellerId', 'limit', 'cursor']);
});

test('q is counted in characters after trimming: 200 emoji or 200 letters between spaces are accepted', async () => {
  await seedTickets(2);
  await request(ctx.app).get(`/api/tickets?q=${encodeURIComponent('🎸'.repeat(200))}`).expect(200);
  const padded = await request(ctx.app).get(`/api/tickets?q=${encodeURIComponent(`  ${'a'.repeat(200)}  `)}`).expect(200);
  expect(padded.body.tickets).toEqual([]);
  const blank = await request(ctx.app).get('/api/tickets?q=%20%20').expect(200);
  expect(blank.body.tickets).toHaveLength(2);
});

test('a listing carries no ETag (the JSON API has no conditional requests)', async () => {
  await seedTickets(1);
  const res = await request(ctx.app).get('/api/tickets').expect(200);
  expect(res.headers.etag).toBeUndefined();
});
