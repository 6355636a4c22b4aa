import { randomUUID } from 'node:crypto';
import type { PoolClient, Queryable } from '@ticketing/common';
import type { TestDatabase } from '@ticketing/common/testing';
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

function commitsAfterFirstStatement(tx: PoolClient, other: PoolClient): Queryable {
  let statements = 0;
  const query = async (text: string, values?: unknown[]) => {
    const result = await tx.query(text, values);
    if (++statements === 1) await other.query('COMMIT');
    return result;
  };
  return { query } as unknown as Queryable;
}

const listing = (over: Partial<TicketRow> = {}): TicketRow => ({ id: randomUUID(), title: 'Fado night', priceCents: 3000, userId: randomUUID(), version: 0, ...over });
const updated = (t: TicketRow, version: number) => ({ ...t, version, priceCents: 3000 + version, orderId: null, status: 'available' as const });

async function race(first: (tx: PoolClient) => Promise<unknown>, second: (db: Queryable) => Promise<unknown>): Promise<unknown> {
  const a = await db.pool.connect();
  const b = await db.pool.connect();
  try {
    await a.query('BEGIN');
    await first(a);
    await b.query('BEGIN');
    const outcome = await second(commitsAfterFirstStatement(b, a));
    await b.query('COMMIT');
    return outcome;
  } finally {
    a.release();
    b.release();
  }
}

test('ticket.updated v1 racing the insert of ticket.created is early (retried), not stale', async () => {
  const t = listing();
  const outcome = await race((tx) => insertTicket(tx, t), (q) => applyTicketUpdated(q, updated(t, 1)));
  expect(outcome).toBe('early');
  expect(await applyTicketUpdated(db.pool, updated(t, 1))).toBe('applied');
  expect(await findTicket(db.pool, t.id)).toMatchObject({ version: 1, priceCents: 3001 });
});

test('ticket.updated v2 racing the update to v1 is early (retried), not stale', async () => {
  const t = listing();
  await insertTicket(db.pool, t);
  const outcome = await race((tx) => updateTicketIfNext(tx, { ...t, version: 1 }), (q) => applyTicketUpdated(q, updated(t, 2)));
  expect(outcome).toBe('early');
  expect(await applyTicketUpdated(db.pool, updated(t, 2))).toBe('applied');
  expect(await findTicket(db.pool, t.id)).toMatchObject({ version: 2, priceCents: 3002 });
});

test('a duplicate or older version is still stale', async () => {
  const t = listing();
  await insertTicket(db.pool, t);
  expect(await applyTicketUpdated(db.pool, updated(t, 1))).toBe('applied');
  expect(await applyTicketUpdated(db.pool, updated(t, 1))).toBe('stale');
  expect(await applyTicketUpdated(db.pool, { ...updated(t, 0) })).toBe('stale');
});
