import { withTransaction, type ListingChangedEvent } from '@ticketing/common';
import type { TestDatabase } from '@ticketing/common/testing';
import { applyListingChanged } from '../src/domain/listings-replica';
import { createOrdersTestDatabase, listingSnapshot } from './support';

// Two replicas of orders share the durable consumer on LISTINGS, so two snapshots of one listing can be applied at
// the same moment in two processes, in any order. A snapshot needs no predecessor, and one conditional upsert
// (WHERE stored version < incoming) decides, so there is no "early" version to retry and none lost: whatever the
// interleaving, the highest version ends stored and the stored version only ever grows.

let db: TestDatabase;

beforeAll(async () => {
  db = await createOrdersTestDatabase();
  await db.pool.query(`
    CREATE TABLE listing_history (seq bigserial PRIMARY KEY, id uuid, version int);
    CREATE FUNCTION record_listing_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO listing_history (id, version) VALUES (NEW.id, NEW.version); RETURN NULL; END $$;
    CREATE TRIGGER record_listing_write AFTER INSERT OR UPDATE ON listings FOR EACH ROW EXECUTE FUNCTION record_listing_write();`);
});
afterAll(async () => {
  await db.drop();
});

const versionsOf = (l: ListingChangedEvent, n: number) => Array.from({ length: n }, (_, v) => ({ ...l, version: v, priceCents: 1000 + v }));
const shuffled = <T>(xs: T[]) => xs.map((x) => [Math.random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);

test('20 versions of one listing applied concurrently in random order, 10 rounds: the highest wins, stored versions only grow, tickets once', async () => {
  for (let round = 0; round < 10; round++) {
    const l = listingSnapshot({ quantity: 6 });
    const outcomes = await Promise.all(shuffled(versionsOf(l, 20)).map((v) => withTransaction(db.pool, (tx) => applyListingChanged(tx, v))));
    expect(outcomes).toContain('applied');

    const { rows } = await db.pool.query('SELECT version, price_cents FROM listings WHERE id = $1', [l.id]);
    expect(rows).toEqual([{ version: 19, price_cents: 1019 }]);
    const history = (await db.pool.query('SELECT version FROM listing_history WHERE id = $1 ORDER BY seq', [l.id])).rows.map((r) => r.version);
    expect(history).toEqual([...history].sort((a, b) => a - b));
    expect(new Set(history).size).toBe(history.length);
    expect(history.length).toBe(outcomes.filter((o) => o === 'applied').length);
    const tickets = await db.pool.query('SELECT id, position FROM listing_tickets WHERE listing_id = $1 ORDER BY position', [l.id]);
    expect(tickets.rows).toEqual(l.tickets.map((t, position) => ({ id: t.id, position })));
  }
});

test('a duplicate or older version is stale; a newer one after it is applied', async () => {
  const l = listingSnapshot();
  expect(await applyListingChanged(db.pool, { ...l, version: 2 })).toBe('applied');
  expect(await applyListingChanged(db.pool, { ...l, version: 2 })).toBe('stale');
  expect(await applyListingChanged(db.pool, { ...l, version: 1 })).toBe('stale');
  expect(await applyListingChanged(db.pool, { ...l, version: 0 })).toBe('stale');
  expect(await applyListingChanged(db.pool, { ...l, version: 3, status: 'withdrawn' })).toBe('applied');
  expect((await db.pool.query('SELECT version, status FROM listings WHERE id = $1', [l.id])).rows).toEqual([{ version: 3, status: 'withdrawn' }]);
});
