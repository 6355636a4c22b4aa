import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { applyCatalogEvent, createLogger, type CatalogEventPayload, type ListingChangedEvent, type Pool, type Queryable } from '@ticketing/common';
import { createTestDatabase, startEventHarness as startServiceEventHarness, testKeys, type EventHarness, type TestDatabase } from '@ticketing/common/testing';
import { buildApp } from '../src/app';
import { DEFAULT_ORDER_RULES, type FairHoldRules, type OrderRules } from '../src/config';
import { applyListingChanged } from '../src/domain/listings-replica';
import { ORDERS_MIGRATIONS } from '../src/migrations';
import { ORDERS_CONSUMERS, ORDERS_STREAMS } from '../src/events/consumers';

export { outboxEvents, type EventHarness, type OutboxEvent } from '@ticketing/common/testing';

export const silentLogger = createLogger('orders-test', 'silent');

export function createOrdersTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase(ORDERS_MIGRATIONS, 'orders');
}

export interface RuleOverrides {
  holdSeconds?: number;
  fees?: OrderRules['fees'];
  fairHolds?: Partial<FairHoldRules>;
  deliveryCutoffHours?: number;
}

export function testRules(over: RuleOverrides = {}): OrderRules {
  return {
    holdSeconds: over.holdSeconds ?? DEFAULT_ORDER_RULES.holdSeconds,
    fees: over.fees ?? DEFAULT_ORDER_RULES.fees,
    fairHolds: { ...DEFAULT_ORDER_RULES.fairHolds, ...over.fairHolds },
    deliveryCutoffHours: over.deliveryCutoffHours ?? DEFAULT_ORDER_RULES.deliveryCutoffHours,
  };
}

export function ordersTestApp(pool: Pool, over: RuleOverrides = {}) {
  return buildApp({ pool, logger: silentLogger, jwtPublicKey: testKeys().publicKey, rules: testRules(over) });
}

/** A catalogue event (scheduled, a year away unless told) as event.scheduled would bring it. */
export function catalogEvent(over: Partial<CatalogEventPayload> = {}): CatalogEventPayload {
  return {
    id: randomUUID(),
    version: 0,
    name: 'Fado night at the docks',
    category: 'concert',
    venue: { name: 'Docks hall', city: 'Lisbon', country: 'PT' },
    timeZone: 'Europe/Lisbon',
    startsAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    status: 'scheduled',
    ...over,
  };
}

export async function seedEvent(db: Queryable, over: Partial<CatalogEventPayload> = {}): Promise<CatalogEventPayload> {
  const event = catalogEvent(over);
  await applyCatalogEvent(db, event);
  return event;
}

export interface ListingSpec extends Partial<Omit<ListingChangedEvent, 'tickets'>> {
  /** Seat labels (numbered seats), in seat order; or */
  seats?: string[];
  /** a number of unnumbered tickets. Default: 4 seats A1–A4. */
  quantity?: number;
}

/** A listing.changed snapshot (every ticket available) as tickets would publish it. */
export function listingSnapshot(spec: ListingSpec = {}): ListingChangedEvent {
  const { seats, quantity, ...over } = spec;
  const labels: Array<string | null> = seats ?? (quantity ? Array.from({ length: quantity }, () => null) : ['A1', 'A2', 'A3', 'A4']);
  return {
    id: randomUUID(),
    eventId: randomUUID(),
    sellerId: randomUUID(),
    version: 0,
    status: 'active',
    section: 'Block 512',
    row: 'F',
    priceCents: 2500,
    faceValueCents: 2500,
    split: 'any',
    delivery: 'later',
    available: labels.length,
    tickets: labels.map((seat) => ({ id: randomUUID(), seat, status: 'available' as const })),
    ...over,
  };
}

/** Puts a listing (and, unless its event is given and known, a fresh open event) straight into the replicas. */
export async function seedListing(db: Queryable, spec: ListingSpec = {}): Promise<ListingChangedEvent> {
  const eventId = spec.eventId ?? (await seedEvent(db)).id;
  const listing = listingSnapshot({ ...spec, eventId });
  await applyListingChanged(db, listing);
  return listing;
}

/** Seats 1..n of a row, as labels. */
export const seatsOf = (n: number, prefix = 'F') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/** orders wired as runService wires it (its consumers and outbox relay), on a database and bus namespace of its own. */
export function startEventHarness(opts: { prepareDatabase?: (db: TestDatabase) => Promise<void> } = {}): Promise<EventHarness> {
  return startServiceEventHarness({ service: 'orders', migrations: ORDERS_MIGRATIONS, streams: ORDERS_STREAMS, consumers: ORDERS_CONSUMERS, ...opts });
}

/**
 * For one describe block (or file): a fresh orders database and the orders app listening on a port, so concurrent
 * requests are real parallel HTTP requests, each on its own connection and its own pooled database connection.
 */
export function serveOrders(over: RuleOverrides = {}): { db: TestDatabase; url: string } {
  const served = {} as { db: TestDatabase; url: string };
  let server: Server;
  beforeAll(async () => {
    served.db = await createOrdersTestDatabase();
    server = createServer(ordersTestApp(served.db.pool, over));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    served.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await served.db.drop();
  });
  return served;
}

export interface Attempt {
  buyerId: string;
  listingId: string;
  quantity: number;
  status: number;
  body: { id?: string; tickets?: Array<{ id: string; seat: string | null }>; errors?: Array<{ message: string }>; [key: string]: unknown };
  ms: number;
}

/** Fires every request at once and waits for all the answers. */
export async function rush(url: string, requests: Array<{ cookie: string; buyerId: string; listingId: string; quantity: number }>): Promise<Attempt[]> {
  return Promise.all(
    requests.map(async ({ cookie, buyerId, listingId, quantity }) => {
      const started = performance.now();
      const res = await fetch(`${url}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ listingId, quantity }),
      });
      const body = (await res.json().catch(() => ({}))) as Attempt['body'];
      return { buyerId, listingId, quantity, status: res.status, body, ms: performance.now() - started };
    }),
  );
}

/** How many answers of each status. */
export function statuses(attempts: Attempt[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of attempts) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}
