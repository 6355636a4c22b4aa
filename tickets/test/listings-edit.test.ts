import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createLogger, type PoolClient } from '@ticketing/common';
import { signedInUser, type TestUser } from '@ticketing/common/testing';
import { applyOrderCreated } from '../src/domain/order-holds.domain';
import { orderCreated } from './order-fixtures';
import { createListingAs, forceHold, outboxRows, seedEvent, ticketsAppForFile, type ListingBody } from './support';

const ctx = ticketsAppForFile();
let seller: TestUser;
let listing: ListingBody;
beforeEach(async () => {
  seller = signedInUser();
  const eventId = await seedEvent(ctx.db.pool);
  listing = await createListingAs(ctx.app, seller, { eventId, seats: ['11', '12', '13', '14'], price: 50, faceValue: 45, split: 'any' });
});

const put = (body: Record<string, unknown>, user: TestUser = seller, id = listing.id) =>
  request(ctx.app).put(`/api/listings/${id}`).set('Cookie', user.cookie).send(body);
const del = (user: TestUser = seller, id = listing.id) => request(ctx.app).delete(`/api/listings/${id}`).set('Cookie', user.cookie);
const subjectsAndVersions = async () => (await outboxRows(ctx.db.pool)).map((r) => [r.subject, r.payload.version]);
const listingRow = async () =>
  (await ctx.db.pool.query('SELECT price_cents, face_value_cents, split, section, row, status, available, version FROM listings WHERE id = $1', [listing.id]))
    .rows[0];
const ticketStatuses = async () =>
  (await ctx.db.pool.query('SELECT status FROM tickets WHERE listing_id = $1 ORDER BY position', [listing.id])).rows.map((r) => r.status as string);

describe('PUT /api/listings/:id', () => {
  test('200 with the new terms, version + 1 each time, one listing.changed per edit', async () => {
    const first = await put({ price: 52.5 }).expect(200);
    expect(first.body).toMatchObject({ price: 52.5, faceValue: 45, version: 1, section: 'Block 512', row: 'F', available: 4 });
    const second = await put({ section: ' Block 513 ', row: null, split: 'even', faceValue: 50, price: 60 }).expect(200);
    expect(second.body).toMatchObject({ section: 'Block 513', row: null, split: 'even', faceValue: 50, price: 60, version: 2, buyableQuantities: [2, 4] });
    expect(await subjectsAndVersions()).toEqual([
      ['listing.changed', 0],
      ['listing.changed', 1],
      ['listing.changed', 2],
    ]);
    expect((await outboxRows(ctx.db.pool))[2]!.payload).toMatchObject({ priceCents: 6000, faceValueCents: 5000, split: 'even', row: null });
  });

  test('applies to the listing while some tickets are held: the held and sold ones keep their order (orders copied the price)', async () => {
    await forceHold(ctx.db.pool, listing.id, [listing.tickets[0]!.id], 'held');
    await forceHold(ctx.db.pool, listing.id, [listing.tickets[1]!.id], 'sold');
    const res = await put({ price: 40 }).expect(200);
    expect(res.body).toMatchObject({ price: 40, available: 2, buyableQuantities: [1, 2] });
    expect(await ticketStatuses()).toEqual(['held', 'sold', 'available', 'available']);
  });

  test('pairs only while one order holds a pair: whatever that order does, an even count comes back', async () => {
    await forceHold(ctx.db.pool, listing.id, [listing.tickets[0]!.id, listing.tickets[1]!.id], 'held');
    expect((await put({ split: 'even' }).expect(200)).body).toMatchObject({ split: 'even', buyableQuantities: [2] });
  });

  describe('refusals change nothing and write no event', () => {
    afterEach(async () => {
      expect(await listingRow()).toMatchObject({ price_cents: 5000, face_value_cents: 4500, split: 'any', section: 'Block 512', row: 'F', version: 0 });
      expect(await subjectsAndVersions()).toEqual([['listing.changed', 0]]);
    });

    test('401 without a session', async () => {
      await request(ctx.app).put(`/api/listings/${listing.id}`).send({ price: 1 }).expect(401);
    });

    test('403 for someone who is not the seller, even while every ticket is held (ownership first)', async () => {
      expect((await put({ price: 1 }, signedInUser()).expect(403)).body.errors[0].message).toMatch(/seller/);
      await forceHold(ctx.db.pool, listing.id, listing.tickets.map((t) => t.id), 'held');
      await put({ price: 1 }, signedInUser()).expect(403);
    });

    test('404 for an unknown id and a non-UUID id', async () => {
      await put({ price: 1 }, seller, randomUUID()).expect(404);
      await put({ price: 1 }, seller, 'nope').expect(404);
    });

    test.each([
      ['no change at all', {}, undefined],
      ['price with three decimals', { price: 1.001 }, 'price'],
      ['price null', { price: null }, 'price'],
      ['faceValue 0', { faceValue: 0 }, 'faceValue'],
      ['empty section', { section: '' }, 'section'],
      ['row of 21 characters', { row: 'x'.repeat(21) }, 'row'],
      ['unknown split', { split: 'odd' }, 'split'],
      ['a price over the cap', { price: 54.01 }, 'price'],
      ['a face value that puts the price over the cap', { faceValue: 40 }, 'price'],
    ])('400 for %s', async (_name, body, field) => {
      const res = await put(body).expect(400);
      if (field) expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
      else expect(res.body.errors[0].message).toMatch(/at least one field/);
    });

    test('400 split: a rule the available tickets could never sell out under', async () => {
      await forceHold(ctx.db.pool, listing.id, [listing.tickets[0]!.id], 'held');
      const res = await put({ split: 'even' }).expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'split', message: expect.stringMatching(/even number/) })]);
      await forceHold(ctx.db.pool, listing.id, [], 'held'); // recount only
    });

    test('409 split: pairs only while a hold of an odd count runs (its lapse would strand one ticket)', async () => {
      // 4 seats: two buyers hold one each, two are left (even) — yet either hold lapsing would leave three.
      await forceHold(ctx.db.pool, listing.id, [listing.tickets[0]!.id], 'held');
      await forceHold(ctx.db.pool, listing.id, [listing.tickets[1]!.id], 'held');
      const res = await put({ split: 'even' }).expect(409);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'split', message: expect.stringMatching(/holding 1 of these tickets/) })]);
    });

    test('409 when every ticket is held or sold: nothing left to change', async () => {
      await forceHold(ctx.db.pool, listing.id, listing.tickets.slice(0, 2).map((t) => t.id), 'held');
      await forceHold(ctx.db.pool, listing.id, listing.tickets.slice(2).map((t) => t.id), 'sold');
      const res = await put({ price: 1 }).expect(409);
      expect(res.body.errors[0].message).toBe('Nothing left to change: every ticket is held or sold');
    });
  });

  test('409 once withdrawn', async () => {
    await del().expect(204);
    expect((await put({ price: 49 }).expect(409)).body.errors[0].message).toMatch(/withdrawn/);
  });

  test('concurrent edits by the seller each apply once: versions 1..n, one event each', async () => {
    const n = 8;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => put({ price: i + 1 })));
    expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
    expect(results.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect((await subjectsAndVersions()).map(([, v]) => v)).toEqual(Array.from({ length: n + 1 }, (_, i) => i));
  });
});

describe('an edit racing a hold', () => {
  /** A hold in flight, as the order.created listener applies it: the listing is locked, the transaction not committed. */
  async function holdInFlight(ticketIds: string[]): Promise<PoolClient> {
    const holder = await ctx.db.pool.connect();
    await holder.query('BEGIN');
    const tickets = listing.tickets.filter((t) => ticketIds.includes(t.id));
    await applyOrderCreated({ tx: holder, logger: createLogger('test', 'silent') }, orderCreated(listing, tickets));
    return holder;
  }
  const waitingOnLocks = async () =>
    (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0]
      .n as number;

  test('a switch to pairs only waits for a hold of one ticket, then sees it and is refused', async () => {
    const holder = await holdInFlight([listing.tickets[0]!.id]);
    try {
      const edit = put({ split: 'even' }).then((r) => r);
      await new Promise((r) => setTimeout(r, 300));
      await holder.query('COMMIT');
      const res = await edit;
      expect(res.status).toBe(400); // 3 left: pairs only could never sell out
      expect(res.body.errors[0].field).toBe('split');
    } finally {
      holder.release();
    }
    expect((await listingRow()).split).toBe('any');
  });

  test('the edit waits for the hold, then applies to the listing with the held ticket still held', async () => {
    const holder = await holdInFlight([listing.tickets[0]!.id]);
    try {
      const edit = put({ price: 48 }).then((r) => r);
      await new Promise((r) => setTimeout(r, 300));
      expect(await waitingOnLocks()).toBe(1); // blocked on the listing's lock, not decided from a stale read
      await holder.query('COMMIT');
      const res = await edit;
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ price: 48, available: 3, version: 2 });
    } finally {
      holder.release();
    }
    expect(await ticketStatuses()).toEqual(['held', 'available', 'available', 'available']);
    expect((await outboxRows(ctx.db.pool)).map((r) => [r.payload.version, r.payload.priceCents, r.payload.available])).toEqual([
      [0, 5000, 4],
      [1, 5000, 3],
      [2, 4800, 3],
    ]);
  });

  test('a hold of every ticket that commits first makes the waiting edit 409 and leaves the price alone', async () => {
    const holder = await holdInFlight(listing.tickets.map((t) => t.id));
    try {
      const edit = put({ price: 1 }).then((r) => r);
      await new Promise((r) => setTimeout(r, 300));
      expect(await waitingOnLocks()).toBe(1);
      await holder.query('COMMIT');
      expect((await edit).status).toBe(409);
    } finally {
      holder.release();
    }
    expect(await listingRow()).toMatchObject({ price_cents: 5000, available: 0, version: 1 });
    expect(await ticketStatuses()).toEqual(['held', 'held', 'held', 'held']);
  });
});

describe('DELETE /api/listings/:id', () => {
  test('204: available tickets withdrawn, held and sold ones run their course; one event; idempotent', async () => {
    await forceHold(ctx.db.pool, listing.id, [listing.tickets[0]!.id], 'held');
    await forceHold(ctx.db.pool, listing.id, [listing.tickets[1]!.id], 'sold');
    await del().expect(204);
    expect(await ticketStatuses()).toEqual(['held', 'sold', 'withdrawn', 'withdrawn']);
    expect(await listingRow()).toMatchObject({ status: 'withdrawn', available: 0, version: 1 });
    await del().expect(204);
    expect(await subjectsAndVersions()).toEqual([
      ['listing.changed', 0],
      ['listing.changed', 1],
    ]);
    const seen = await request(ctx.app).get(`/api/listings/${listing.id}`).set('Cookie', seller.cookie).expect(200);
    expect(seen.body).toMatchObject({ status: 'withdrawn', available: 0, buyableQuantities: [] });
  });

  test('401, 403 and 404 change nothing', async () => {
    await request(ctx.app).delete(`/api/listings/${listing.id}`).expect(401);
    await del(signedInUser()).expect(403);
    await del(seller, randomUUID()).expect(404);
    await del(seller, 'x').expect(404);
    expect(await listingRow()).toMatchObject({ status: 'active', version: 0 });
    expect(await ticketStatuses()).toEqual(['available', 'available', 'available', 'available']);
  });
});
