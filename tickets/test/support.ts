import type { Express } from 'express';
import request from 'supertest';
import { createLogger, type Pool } from '@ticketing/common';
import { createTestDatabase, signedInUser, testKeys, type TestDatabase, type TestUser } from '@ticketing/common/testing';
import { buildApp } from '../src/app';
import { TICKETS_MIGRATIONS } from '../src/migrations';
import type { FirstPageCache } from '../src/routes/first-page-cache';

export interface TicketsTestContext {
  db: TestDatabase;
  app: Express;
}

/** A migrated database of this file's own and the app over it (no bus: routes only write the outbox). */
export async function startTicketsApp(opts: { firstPageCache?: FirstPageCache } = {}): Promise<TicketsTestContext> {
  const db = await createTestDatabase(TICKETS_MIGRATIONS, 'tickets');
  const app = buildApp({
    pool: db.pool,
    logger: createLogger('tickets-test', 'silent'),
    jwtPublicKey: testKeys().publicKey,
    production: false,
    firstPageCache: opts.firstPageCache,
  });
  return { db, app };
}

/** The test file's own app and database: made before its first test, emptied before each, dropped after its last. */
export function ticketsAppForFile(): TicketsTestContext {
  const file = {} as TicketsTestContext;
  beforeAll(async () => void Object.assign(file, await startTicketsApp()));
  afterAll(() => file.db.drop());
  beforeEach(async () => void (await file.db.pool.query('TRUNCATE tickets, outbox CASCADE')));
  return file;
}

export async function createTicketAs(app: Express, user: TestUser, body: Record<string, unknown> = {}) {
  const res = await request(app)
    .post('/api/tickets')
    .set('Cookie', user.cookie)
    .send({ title: 'Concert', price: 20, ...body })
    .expect(201);
  return res.body as { id: string; title: string; price: number; userId: string; status: string; orderId: string | null; version: number; createdAt: string };
}

export interface OutboxRow {
  event_id: string;
  subject: string;
  aggregate_key: string;
  payload: Record<string, unknown>;
}

export async function outboxRows(pool: Pool): Promise<OutboxRow[]> {
  const { rows } = await pool.query<OutboxRow>('SELECT event_id, subject, aggregate_key, payload FROM outbox ORDER BY seq');
  return rows;
}

/** Puts a ticket in a hold state as the listeners would, for route tests that need it held or sold. */
export async function forceHold(pool: Pool, ticketId: string, status: 'reserved' | 'sold', orderId: string): Promise<void> {
  await pool.query('UPDATE tickets SET status = $2, order_id = $3, version = version + 1 WHERE id = $1', [ticketId, status, orderId]);
}

export { signedInUser };
