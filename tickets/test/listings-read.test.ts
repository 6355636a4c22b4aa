import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signedInUser, type TestUser } from '@ticketing/common/testing';
import { createListingAs, forceHold, seedEvent, ticketsAppForFile, type ListingBody } from './support';

const ctx = ticketsAppForFile();
let eventId: string;
beforeEach(async () => {
  eventId = await seedEvent(ctx.db.pool);
});

const list = (query: Record<string, string | number>, user?: TestUser) => {
  const req = request(ctx.app).get('/api/listings').query(query);
  if (user) req.set('Cookie', user.cookie);
  return req;
};
const listed = async (query: Record<string, string | number>) => ((await list(query).expect(200)).body.listings as ListingBody[]).map((l) => l.id);

/** Many listings in one statement (one created_at, equal prices): keyset ties must be broken by id. */
async function seedListings(n: number, opts: { price?: (i: number) => number; sellerId?: string; sameInstant?: boolean } = {}): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await ctx.db.pool.query(
    `INSERT INTO listings (id, event_id, seller_id, section, price_cents, face_value_cents, split, available, created_at)
     SELECT id, $2, $3, 'Floor', price, price, 'any', 1, CASE WHEN $5 THEN now() ELSE now() - (ord * interval '1 microsecond') END
       FROM unnest($1::uuid[], $4::int[]) WITH ORDINALITY AS s(id, price, ord)`,
    [ids, eventId, opts.sellerId ?? randomUUID(), ids.map((_, i) => opts.price?.(i) ?? 1000), opts.sameInstant ?? false],
  );
  await ctx.db.pool.query(`INSERT INTO tickets (id, listing_id, position) SELECT gen_random_uuid(), id, 1 FROM unnest($1::uuid[]) AS s(id)`, [ids]);
  return ids;
}

async function walk(query: Record<string, string | number>): Promise<{ pages: string[][]; last: string | null }> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await list({ ...query, ...(cursor ? { cursor } : {}) }).expect(200);
    pages.push(res.body.listings.map((l: ListingBody) => l.id));
    cursor = res.body.nextCursor;
  } while (cursor && pages.length < 50);
  return { pages, last: cursor };
}

describe('GET /api/listings/:id', () => {
  test('the seller sees every ticket with its status; anyone else only the available seats', async () => {
    const seller = signedInUser();
    const l = await createListingAs(ctx.app, seller, { eventId, seats: ['A1', 'A2', 'A3'] });
    await forceHold(ctx.db.pool, l.id, [l.tickets[1]!.id], 'held');
    const own = await request(ctx.app).get(`/api/listings/${l.id}`).set('Cookie', seller.cookie).expect(200);
    expect(own.body.tickets).toEqual([
      { id: l.tickets[0]!.id, seat: 'A1', status: 'available', delivered: false, hasItem: false, deliveryDeadline: null },
      { id: l.tickets[1]!.id, seat: 'A2', status: 'held', delivered: false, hasItem: false, deliveryDeadline: null },
      { id: l.tickets[2]!.id, seat: 'A3', status: 'available', delivered: false, hasItem: false, deliveryDeadline: null },
    ]);
    const other = await request(ctx.app).get(`/api/listings/${l.id}`).expect(200);
    expect(other.body).toMatchObject({ quantity: 3, available: 2, buyableQuantities: [1, 2], event: { id: eventId, name: 'Test concert' } });
    expect(other.body.tickets).toEqual([
      { id: l.tickets[0]!.id, seat: 'A1' },
      { id: l.tickets[2]!.id, seat: 'A3' },
    ]);
  });

  test('404 for an unknown id and a non-UUID id', async () => {
    await request(ctx.app).get(`/api/listings/${randomUUID()}`).expect(404);
    expect((await request(ctx.app).get('/api/listings/abc').expect(404)).body.errors[0].message).toMatch(/not found/i);
  });

  test('a listing whose event the replica does not have shows event null', async () => {
    const [id] = await seedListings(1);
    await ctx.db.pool.query('DELETE FROM catalog_events');
    expect((await request(ctx.app).get(`/api/listings/${id}`).expect(200)).body.event).toBeNull();
  });
});

describe('GET /api/listings?eventId=', () => {
  test('the event’s active listings with something available, cheapest first; sold, withdrawn, fully held and other events’ left out', async () => {
    const seller = signedInUser();
    const mk = (price: number, more: Record<string, unknown> = {}) => createListingAs(ctx.app, seller, { eventId, price, faceValue: price, ...more });
    const dear = await mk(80);
    const cheap = await mk(20);
    const middle = await mk(50);
    const withdrawn = await mk(10);
    await request(ctx.app).delete(`/api/listings/${withdrawn.id}`).set('Cookie', seller.cookie).expect(204);
    const held = await mk(11);
    await forceHold(ctx.db.pool, held.id, held.tickets.map((t) => t.id), 'held');
    const sold = await mk(12);
    await forceHold(ctx.db.pool, sold.id, sold.tickets.map((t) => t.id), 'sold');
    await createListingAs(ctx.app, seller, { eventId: await seedEvent(ctx.db.pool), price: 5, faceValue: 5 });

    expect(await listed({ eventId })).toEqual([cheap.id, middle.id, dear.id]);
    const res = await list({ eventId }).expect(200);
    expect(res.body.nextCursor).toBeNull();
    // A buyer sees the seats on sale, not the statuses.
    expect(res.body.listings[0].tickets[0]).toEqual({ id: expect.any(String), seat: '11' });
  });

  test('?quantity= keeps the listings whose split rule sells that many now', async () => {
    const seller = signedInUser();
    const mk = async (split: string, seats: number, price: number) =>
      (await createListingAs(ctx.app, seller, { eventId, split, seats: Array.from({ length: seats }, (_, i) => `${i + 1}`), price, faceValue: price })).id;
    const any3 = await mk('any', 3, 10);
    const even4 = await mk('even', 4, 20);
    const all2 = await mk('all', 2, 30);
    const noSingle3 = await mk('no-single', 3, 40);
    expect(await listed({ eventId, quantity: 1 })).toEqual([any3, noSingle3]);
    expect(await listed({ eventId, quantity: 2 })).toEqual([any3, even4, all2]);
    expect(await listed({ eventId, quantity: 3 })).toEqual([any3, noSingle3]);
    expect(await listed({ eventId, quantity: 4 })).toEqual([even4]);
    expect(await listed({ eventId, quantity: 5 })).toEqual([]);
  });

  test.each([
    ['distinct prices', false, (i: number) => 1000 + (i % 7) * 100],
    ['one price, one instant (ties broken by id)', true, () => 1000],
  ])('pages walk every listing exactly once, in price then id order: %s', async (_name, sameInstant, price) => {
    const ids = await seedListings(47, { price, sameInstant });
    const { pages, last } = await walk({ eventId, limit: 10 });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 7]);
    expect(last).toBeNull();
    const seen = pages.flat();
    expect(new Set(seen)).toEqual(new Set(ids));
    const { rows } = await ctx.db.pool.query('SELECT id FROM listings ORDER BY price_cents, id');
    expect(seen).toEqual(rows.map((r) => r.id));
  });
});

describe('GET /api/listings?sellerId=', () => {
  test('every listing of the seller, newest first, withdrawn and sold too, each ticket’s status shown to the seller', async () => {
    const seller = signedInUser();
    const first = await createListingAs(ctx.app, seller, { eventId });
    const second = await createListingAs(ctx.app, seller, { eventId });
    await request(ctx.app).delete(`/api/listings/${first.id}`).set('Cookie', seller.cookie).expect(204);
    await createListingAs(ctx.app, signedInUser(), { eventId });
    const res = await list({ sellerId: seller.id }, seller).expect(200);
    expect(res.body.listings.map((l: ListingBody) => [l.id, l.status])).toEqual([
      [second.id, 'active'],
      [first.id, 'withdrawn'],
    ]);
    expect(res.body.listings[1].tickets.map((t: { status: string }) => t.status)).toEqual(['withdrawn', 'withdrawn', 'withdrawn', 'withdrawn']);
  });

  test('pages walk every listing of the seller once, even created in one instant', async () => {
    const sellerId = randomUUID();
    const ids = await seedListings(25, { sellerId, sameInstant: true });
    const { pages } = await walk({ sellerId, limit: 10 });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(new Set(pages.flat())).toEqual(new Set(ids));
  });
});

describe('GET /api/listings: bad queries', () => {
  const priceCursor = async () => {
    await seedListings(2);
    return (await list({ eventId, limit: 1 }).expect(200)).body.nextCursor as string;
  };

  test.each([
    ['neither eventId nor sellerId', '', 'eventId'],
    ['both eventId and sellerId', `eventId=${randomUUID()}&sellerId=${randomUUID()}`, 'eventId'],
    ['eventId not a UUID', 'eventId=1', 'eventId'],
    ['sellerId not a UUID', 'sellerId=bob', 'sellerId'],
    ['eventId given twice', `eventId=${randomUUID()}&eventId=${randomUUID()}`, 'eventId'],
    ['quantity 0', `eventId=${randomUUID()}&quantity=0`, 'quantity'],
    ['quantity 101', `eventId=${randomUUID()}&quantity=101`, 'quantity'],
    ['quantity with a seller', `sellerId=${randomUUID()}&quantity=2`, 'quantity'],
    ['limit 0', `eventId=${randomUUID()}&limit=0`, 'limit'],
    ['limit 101', `eventId=${randomUUID()}&limit=101`, 'limit'],
    ['a cursor we never issued', `eventId=${randomUUID()}&cursor=abc`, 'cursor'],
  ])('400 for %s, naming the field', async (_name, qs, field) => {
    const res = await request(ctx.app).get(`/api/listings?${qs}`).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
  });

  test('an event page’s cursor is refused on a seller’s page', async () => {
    const cursor = await priceCursor();
    expect(cursor).toEqual(expect.any(String));
    await list({ sellerId: randomUUID(), cursor }).expect(400);
    await list({ eventId, cursor }).expect(200);
  });

  test('no ETag (the JSON API has no conditional requests)', async () => {
    expect((await list({ eventId }).expect(200)).headers.etag).toBeUndefined();
  });
});
