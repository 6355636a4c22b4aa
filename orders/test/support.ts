import { randomUUID } from 'node:crypto';
import { createLogger, type Pool, type Queryable } from '@ticketing/common';
import { createTestDatabase, startEventHarness as startServiceEventHarness, testKeys, type EventHarness, type TestDatabase } from '@ticketing/common/testing';
import { buildApp } from '../src/app';
import { ORDERS_MIGRATIONS } from '../src/migrations';
import { insertTicket, type TicketRow } from '../src/data/tickets.data';
import { ORDERS_CONSUMERS, ORDERS_STREAMS } from '../src/events/consumers';

export { outboxEvents, type EventHarness, type OutboxEvent } from '@ticketing/common/testing';

export const silentLogger = createLogger('orders-test', 'silent');

export function createOrdersTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase(ORDERS_MIGRATIONS, 'orders');
}

export function ordersTestApp(pool: Pool, opts: { orderExpirationSeconds?: number } = {}) {
  return buildApp({ pool, logger: silentLogger, jwtPublicKey: testKeys().publicKey, orderExpirationSeconds: opts.orderExpirationSeconds ?? 900 });
}

/** Puts a listing straight into the replica, as if its ticket.created had been applied. */
export async function seedTicket(db: Queryable, over: Partial<TicketRow> = {}): Promise<TicketRow> {
  const ticket: TicketRow = { id: randomUUID(), title: 'Nina Simone tribute, row F', priceCents: 2500, userId: randomUUID(), version: 0, ...over };
  await insertTicket(db, ticket);
  return ticket;
}

/** orders wired as runService wires it (its consumers and outbox relay), on a database and bus namespace of its own. */
export function startEventHarness(opts: { prepareDatabase?: (db: TestDatabase) => Promise<void> } = {}): Promise<EventHarness> {
  return startServiceEventHarness({ service: 'orders', migrations: ORDERS_MIGRATIONS, streams: ORDERS_STREAMS, consumers: ORDERS_CONSUMERS, ...opts });
}
