import { randomUUID } from 'node:crypto';
import { createLogger, type ListingChangedEvent, type Pool, type Queryable } from '@ticketing/common';
import { createTestDatabase, startEventHarness as startServiceEventHarness, testKeys, type EventHarness, type TestDatabase } from '@ticketing/common/testing';
import type { Express } from 'express';
import { buildApp } from '../src/app';
import { insertEvent, type EventRow, type NewEvent } from '../src/data/events.data';
import { CATALOG_CONSUMERS, CATALOG_STREAMS } from '../src/events/consumers';
import { CATALOG_MIGRATIONS } from '../src/migrations';

export { outboxEvents, type EventHarness, type OutboxEvent } from '@ticketing/common/testing';

export const silentLogger = createLogger('catalog-test', 'silent');

export function createCatalogTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase(CATALOG_MIGRATIONS, 'catalog');
}

export function catalogTestApp(pool: Pool) {
  return buildApp({ pool, logger: silentLogger, jwtPublicKey: testKeys().publicKey });
}

/** The test file's own database and app: made before its first test, dropped after its last. */
export function catalogForFile(): { db: TestDatabase; app: Express } {
  const file = {} as { db: TestDatabase; app: Express };
  beforeAll(async () => {
    file.db = await createCatalogTestDatabase();
    file.app = catalogTestApp(file.db.pool);
  });
  afterAll(() => file.db.drop());
  return file;
}

const DAY_MS = 86_400_000;
/** An instant `days` from now (negative: in the past), whole milliseconds. */
export const daysFromNow = (days: number): Date => new Date(Date.now() + days * DAY_MS);

/** A valid POST /api/events body; override what the test is about. */
export function eventBody(over: Record<string, unknown> = {}) {
  return {
    name: 'Radiohead',
    category: 'concert',
    venue: { name: 'Wembley Arena', city: 'London', country: 'GB' },
    timeZone: 'Europe/London',
    startsAt: daysFromNow(30).toISOString(),
    ...over,
  };
}

/**
 * Puts an event straight into the table, as if an admin had scheduled it, without its outbox row; the only way to
 * have one that is already over (the API refuses a start in the past).
 */
export async function seedEvent(db: Queryable, over: Partial<NewEvent> = {}): Promise<EventRow> {
  return insertEvent(db, {
    id: randomUUID(),
    name: 'Radiohead',
    category: 'concert',
    venueName: 'Wembley Arena',
    venueCity: 'London',
    venueCountry: 'GB',
    timeZone: 'Europe/London',
    startsAt: daysFromNow(30),
    ...over,
  });
}

/** catalog wired as runService wires it (its consumers and outbox relay), on a database and bus namespace of its own. */
export function startEventHarness(opts: { prepareDatabase?: (db: TestDatabase) => Promise<void> } = {}): Promise<EventHarness> {
  return startServiceEventHarness({ service: 'catalog', migrations: CATALOG_MIGRATIONS, streams: CATALOG_STREAMS, consumers: CATALOG_CONSUMERS, ...opts });
}

export type SnapshotFields = Partial<Omit<ListingChangedEvent, 'tickets'>> & { eventId: string; quantity?: number };

/**
 * listing.changed as tickets publishes it: the whole listing with its tickets in seat order (default four seats of
 * Block 512 row F, all available). The tickets agree with `available` and the status: the first `available` are
 * available, the rest sold (withdrawn when the listing is).
 */
export function listingSnapshot(fields: SnapshotFields): ListingChangedEvent {
  const { quantity = 4, ...over } = fields;
  const base = { id: randomUUID(), sellerId: randomUUID(), version: 0, status: 'active' as const, section: 'Block 512', row: 'F', priceCents: 5000, faceValueCents: 5000, split: 'any' as const, delivery: 'later' as const, available: quantity, ...over };
  const tickets = Array.from({ length: Math.max(quantity, base.available) }, (_, i) => ({ id: randomUUID(), seat: String(11 + i) }));
  return withTickets(base, tickets);
}

/** The listing's next snapshot after a change: same tickets (ids and seats), statuses following `available` and status. */
export function nextSnapshot(l: ListingChangedEvent, changes: Partial<Omit<ListingChangedEvent, 'id' | 'tickets'>>): ListingChangedEvent {
  return withTickets({ ...l, ...changes }, l.tickets);
}

function withTickets(l: Omit<ListingChangedEvent, 'tickets'>, tickets: Array<{ id: string; seat: string | null }>): ListingChangedEvent {
  const gone = l.status === 'withdrawn' ? ('withdrawn' as const) : ('sold' as const);
  return { ...l, tickets: tickets.map((t, i) => ({ id: t.id, seat: t.seat, status: i < l.available ? ('available' as const) : gone })) };
}
