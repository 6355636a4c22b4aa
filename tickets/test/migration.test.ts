import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMON_MIGRATIONS, LEGACY_EVENT_ID, listingChangedSchema, runMigrations } from '@ticketing/common';
import { createTestDatabase, type TestDatabase } from '@ticketing/common/testing';
import { TICKETS_MIGRATIONS } from '../src/migrations';

// A database as the previous version left it (common + tickets/0001, with tickets in every state and the listeners'
// memory of their orders), then the current list applied on top, as a deployment's start-up does.

let db: TestDatabase;
let oldDir: string;
beforeAll(async () => {
  oldDir = await mkdtemp(path.join(tmpdir(), 'tickets-0001-'));
  await copyFile(path.join(__dirname, '../migrations/0001_tickets.sql'), path.join(oldDir, '0001_tickets.sql'));
  db = await createTestDatabase([COMMON_MIGRATIONS, { dir: oldDir, prefix: 'tickets/' }], 'tickets_migration');
});
afterAll(async () => {
  await db.drop();
  await rm(oldDir, { recursive: true, force: true });
});

const seller = randomUUID();
const ids = { available: randomUUID(), reserved: randomUUID(), sold: randomUUID() };
const orders = { holding: randomUUID(), buying: randomUUID(), lapsed: randomUUID() };

async function fillThroughOldSchema(): Promise<void> {
  const insert = (id: string, title: string, cents: number, status: string, orderId: string | null, version: number) =>
    db.pool.query(
      `INSERT INTO tickets (id, title, price_cents, user_id, status, order_id, version, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() - $8::int * interval '1 minute')`,
      [id, title, cents, seller, status, orderId, version, version],
    );
  await insert(ids.available, 'Free one', 2500, 'available', null, 2);
  await insert(ids.reserved, 'Held one', 4000, 'reserved', orders.holding, 3);
  await insert(ids.sold, 'Sold one', 1999, 'sold', orders.buying, 4);
  const remember = (orderId: string, ticketId: string, state: string) =>
    db.pool.query(`INSERT INTO known_orders (order_id, ticket_id, state, expires_at) VALUES ($1, $2, $3, now() + interval '10 minutes')`, [
      orderId,
      ticketId,
      state,
    ]);
  await remember(orders.lapsed, ids.reserved, 'cancelled');
  await remember(orders.holding, ids.reserved, 'created');
  await remember(orders.buying, ids.sold, 'completed');
}

test('a database filled by the old schema migrates to listings, held tickets, the legacy event and one snapshot per listing', async () => {
  await fillThroughOldSchema();
  const applied = await runMigrations(db.pool, TICKETS_MIGRATIONS);
  expect(applied).toEqual(['catalog-events/0001_catalog_events.sql', 'tickets/0002_listings.sql', 'tickets/0003_delivery.sql', 'tickets/0004_event_cancelled.sql', 'tickets/0005_known_order_versions.sql']);
  // 0003 on old rows: no items, nothing delivered, buyers unknown.
  const delivery = await db.pool.query(
    `SELECT (SELECT count(*)::int FROM tickets WHERE has_item OR delivered_at IS NOT NULL OR item_fingerprint IS NOT NULL) AS items,
            (SELECT count(*)::int FROM known_orders WHERE buyer_id IS NOT NULL) AS buyers, (SELECT count(*)::int FROM deliveries) AS deliveries`,
  );
  expect(delivery.rows[0]).toEqual({ items: 0, buyers: 0, deliveries: 0 });

  const listings = await db.pool.query(
    `SELECT id, event_id, seller_id, section, row, price_cents, face_value_cents, split, delivery, status, available, version
       FROM listings ORDER BY price_cents`,
  );
  const listing = (id: string, cents: number, status: string, available: number, version: number) => ({
    id,
    event_id: LEGACY_EVENT_ID,
    seller_id: seller,
    section: 'General admission',
    row: null,
    price_cents: cents,
    face_value_cents: cents,
    split: 'any',
    delivery: 'later',
    status,
    available,
    version,
  });
  expect(listings.rows).toEqual([
    listing(ids.sold, 1999, 'sold', 0, 5),
    listing(ids.available, 2500, 'active', 1, 3),
    listing(ids.reserved, 4000, 'active', 0, 4),
  ]);

  const tickets = await db.pool.query('SELECT id, listing_id, seat, position, status, order_id FROM tickets ORDER BY id');
  expect(tickets.rows).toEqual(
    [
      { id: ids.available, listing_id: ids.available, seat: null, position: 1, status: 'available', order_id: null },
      { id: ids.reserved, listing_id: ids.reserved, seat: null, position: 1, status: 'held', order_id: orders.holding },
      { id: ids.sold, listing_id: ids.sold, seat: null, position: 1, status: 'sold', order_id: orders.buying },
    ].sort((a, b) => a.id.localeCompare(b.id)),
  );
  const columns = await db.pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'tickets'`);
  expect(columns.rows.map((r) => r.column_name)).not.toEqual(expect.arrayContaining(['title']));

  const known = await db.pool.query('SELECT order_id, listing_id, ticket_ids, state FROM known_orders ORDER BY state');
  expect(known.rows).toEqual([
    { order_id: orders.lapsed, listing_id: ids.reserved, ticket_ids: [ids.reserved], state: 'cancelled' },
    { order_id: orders.buying, listing_id: ids.sold, ticket_ids: [ids.sold], state: 'completed' },
    { order_id: orders.holding, listing_id: ids.reserved, ticket_ids: [ids.reserved], state: 'created' },
  ]);

  const event = await db.pool.query('SELECT id, version, name, category, venue, time_zone, starts_at, status FROM catalog_events');
  expect(event.rows).toEqual([
    {
      id: LEGACY_EVENT_ID,
      version: 0,
      name: 'Listings from before events',
      category: 'other',
      venue: { name: 'Venue to be announced', city: 'To be announced', country: 'US' },
      time_zone: 'UTC',
      starts_at: new Date('2027-12-31T20:00:00Z'),
      status: 'scheduled',
    },
  ]);

  const outbox = await db.pool.query('SELECT event_id, subject, aggregate_key, payload, sent_at FROM outbox ORDER BY seq');
  expect(outbox.rows).toHaveLength(3);
  const snapshots = outbox.rows.map((r) => {
    expect(r).toMatchObject({ subject: 'listing.changed', aggregate_key: `listing:${r.payload.id}`, sent_at: null });
    return listingChangedSchema.parse(r.payload);
  });
  expect(new Set(outbox.rows.map((r) => r.event_id)).size).toBe(3);
  // Oldest listing first (the sold one was listed 4 minutes before, the available one 2).
  expect(snapshots.map((s) => s.id)).toEqual([ids.sold, ids.reserved, ids.available]);
  expect(snapshots[1]).toEqual({
    id: ids.reserved,
    eventId: LEGACY_EVENT_ID,
    sellerId: seller,
    version: 4,
    status: 'active',
    section: 'General admission',
    row: null,
    priceCents: 4000,
    faceValueCents: 4000,
    split: 'any',
    delivery: 'later',
    available: 0,
    tickets: [{ id: ids.reserved, seat: null, status: 'held' }],
  });

  // The new constraints hold on migrated rows: a held ticket without its order is refused.
  await expect(db.pool.query(`UPDATE tickets SET order_id = NULL WHERE id = $1`, [ids.reserved])).rejects.toThrow(/tickets_hold_matches_status/);
  // Applying the list again changes nothing (start-up of a second replica).
  expect(await runMigrations(db.pool, TICKETS_MIGRATIONS)).toEqual([]);
});

test('an empty old database migrates without the legacy event or any snapshot', async () => {
  const empty = await createTestDatabase([COMMON_MIGRATIONS, { dir: oldDir, prefix: 'tickets/' }], 'tickets_migration');
  try {
    await runMigrations(empty.pool, TICKETS_MIGRATIONS);
    expect((await empty.pool.query('SELECT count(*)::int AS n FROM catalog_events')).rows[0].n).toBe(0);
    expect((await empty.pool.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(0);
  } finally {
    await empty.drop();
  }
});
