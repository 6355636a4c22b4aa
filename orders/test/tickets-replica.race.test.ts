import { randomUUID } from 'node:crypto';
import type { PoolClient } from '@ticketing/common';
import { raceCommitAfterFirstStatement, type TestDatabase } from '@ticketing/common/testing';
import { findTicket, insertTicket, updateTicketIfNext, type TicketRow } from '../src/data/tickets.data';
import { applyTicketUpdated } from '../src/domain/tickets-replica';
import { createOrdersTestDatabase } from './support';

// Two replicas of orders share the durable consumer on TICKETS, so versions n-1 and n of one listing can be handled
// at the same moment in two processes. The conditional UPDATE for n (WHERE version = n-1) does not wait for, nor see,
// the n-1 write still in flight; if that commits before the follow-up version check, the check sees n-1: version n
// lost a race and must be retried ('early'), not acknowledged as stale and dropped. (Found by test/faults.)

let db: TestDatabase;

beforeAll(async () => {
  db = await createOrdersTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const listing = (over: Partial<TicketRow> = {}): TicketRow => ({ id: randomUUID(), title: 'Fado night', priceCents: 3000, userId: randomUUID(), version: 0, ...over });
const updated = (t: TicketRow, version: number) => ({ ...t, version, priceCents: 3000 + version, orderId: null, status: 'available' as const });

test.each([
  { racing: 'the insert of ticket.created', version: 1, before: async () => {}, write: (tx: PoolClient, t: TicketRow) => insertTicket(tx, t) },
  {
    racing: 'the update to v1',
    version: 2,
    before: (t: TicketRow) => insertTicket(db.pool, t),
    write: (tx: PoolClient, t: TicketRow) => updateTicketIfNext(tx, { ...t, version: 1 }),
  },
])('ticket.updated v$version racing $racing is early (retried), not stale', async ({ version, before, write }) => {
  const t = listing();
  await before(t);
  const outcome = await raceCommitAfterFirstStatement(db.pool, (tx) => write(tx, t), (q) => applyTicketUpdated(q, updated(t, version)));
  expect(outcome).toBe('early');
  expect(await applyTicketUpdated(db.pool, updated(t, version))).toBe('applied');
  expect(await findTicket(db.pool, t.id)).toMatchObject({ version, priceCents: 3000 + version });
});

test('a duplicate or older version is still stale', async () => {
  const t = listing();
  await insertTicket(db.pool, t);
  expect(await applyTicketUpdated(db.pool, updated(t, 1))).toBe('applied');
  expect(await applyTicketUpdated(db.pool, updated(t, 1))).toBe('stale');
  expect(await applyTicketUpdated(db.pool, { ...updated(t, 0) })).toBe('stale');
});
