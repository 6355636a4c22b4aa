import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createLogger, type Pool, type Queryable } from '@ticketing/common';
import { createTestDatabase, signedInUser, testKeys, type TestDatabase, type TestUser } from '@ticketing/common/testing';
import { buildApp } from '../src/app';
import type { ListingRules } from '../src/domain/listings.domain';
import type { ItemSecrets } from '../src/items/item-secrets';
import { testItemSecrets } from './item-support';
import { TICKETS_MIGRATIONS } from '../src/migrations';

export interface TicketsTestContext {
  db: TestDatabase;
  app: Express;
}

export const DEFAULT_RULES: ListingRules = { maxMarkupPercent: 20 };

export function ticketsApp(pool: Pool, rules: ListingRules = DEFAULT_RULES, items: ItemSecrets = testItemSecrets()): Express {
  return buildApp({
    pool,
    logger: createLogger('tickets-test', 'silent'),
    jwtPublicKey: testKeys().publicKey,
    production: false,
    rules,
    items,
  });
}

/** A migrated database of this file's own and the app over it (no bus: routes only write the outbox). */
export async function startTicketsApp(rules?: ListingRules): Promise<TicketsTestContext> {
  const db = await createTestDatabase(TICKETS_MIGRATIONS, 'tickets');
  return { db, app: ticketsApp(db.pool, rules) };
}

/** The test file's own app and database: made before its first test, emptied before each, dropped after its last. */
export function ticketsAppForFile(rules?: ListingRules): TicketsTestContext {
  const file = {} as TicketsTestContext;
  beforeAll(async () => void Object.assign(file, await startTicketsApp(rules)));
  afterAll(() => file.db.drop());
  beforeEach(
    async () =>
      void (await file.db.pool.query(
        'TRUNCATE listings, tickets, known_orders, catalog_events, outbox, ticket_items, deliveries, item_reads, fraud_signals CASCADE',
      )),
  );
  return file;
}

/**
 * A catalogue event in the replica, as catalogEventsConsumer stores it when catalog schedules one (route tests have
 * no bus). Starts tomorrow unless told otherwise.
 */
export async function seedEvent(db: Queryable, opts: { startsAt?: Date; status?: 'scheduled' | 'cancelled'; name?: string } = {}): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO catalog_events (id, version, name, category, venue, time_zone, starts_at, status) VALUES ($1, 0, $2, 'concert', $3, 'Europe/London', $4, $5)`,
    [
      id,
      opts.name ?? 'Test concert',
      JSON.stringify({ name: 'Hall', city: 'London', country: 'GB' }),
      opts.startsAt ?? new Date(Date.now() + 86_400_000),
      opts.status ?? 'scheduled',
    ],
  );
  return id;
}

export interface ListingBody {
  id: string;
  eventId: string;
  sellerId: string;
  event: { id: string; name: string; startsAt: string; timeZone: string; venue: Record<string, string> } | null;
  section: string;
  row: string | null;
  price: number;
  faceValue: number;
  split: string;
  delivery: string;
  quantity: number;
  available: number;
  buyableQuantities: number[];
  status: string;
  version: number;
  createdAt: string;
  tickets: Array<{ id: string; seat: string | null; status?: string; delivered?: boolean; hasItem?: boolean; deliveryDeadline?: string | null }>;
}

export async function createListingAs(app: Express, user: TestUser, body: Record<string, unknown>): Promise<ListingBody> {
  const res = await request(app)
    .post('/api/listings')
    .set('Cookie', user.cookie)
    .send({ section: 'Block 512', row: 'F', seats: ['11', '12', '13', '14'], price: 50, faceValue: 45, split: 'any', ...body });
  if (res.status !== 201) throw new Error(`listing not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ListingBody;
}

export interface OutboxRow {
  event_id: string;
  subject: string;
  aggregate_key: string;
  payload: Record<string, unknown> & { id: string; version: number; status: string; available: number; tickets: Array<{ id: string; status: string }> };
}

export async function outboxRows(pool: Pool): Promise<OutboxRow[]> {
  const { rows } = await pool.query<OutboxRow>('SELECT event_id, subject, aggregate_key, payload FROM outbox ORDER BY seq');
  return rows;
}

/** Puts tickets in a hold state as the listeners would (without the listing's event), for route tests. */
export async function forceHold(pool: Pool, listingId: string, ticketIds: string[], status: 'held' | 'sold', orderId = randomUUID()): Promise<void> {
  await pool.query('UPDATE tickets SET status = $2, order_id = $3 WHERE id = ANY($1::uuid[])', [ticketIds, status, orderId]);
  await pool.query(
    `UPDATE listings l SET available = (SELECT count(*) FROM tickets t WHERE t.listing_id = l.id AND t.status = 'available'),
            status = CASE WHEN EXISTS (SELECT 1 FROM tickets t WHERE t.listing_id = l.id AND t.status IN ('available', 'held')) THEN 'active' ELSE 'sold' END
      WHERE id = $1`,
    [listingId],
  );
}

export { signedInUser };
