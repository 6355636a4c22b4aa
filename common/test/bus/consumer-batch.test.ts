import { randomUUID } from 'node:crypto';
import type { TxEventContext } from '@ticketing/common';
import { publishTestEvent, waitFor } from '@ticketing/common/testing';
import { capturingLogger, consumerTestEnv, eventUpdated } from './helpers';

// A transactional consumer applies a lane's waiting events in one transaction. These tests publish a backlog first,
// so the consumer meets many events at once, and read each handler's transaction id to see how they were grouped.

const env = consumerTestEnv('bus_consumer_batch', {
  schema: `
    CREATE TABLE parents (id uuid PRIMARY KEY);
    CREATE TABLE applied (
      event_id uuid PRIMARY KEY,
      ticket_id uuid NOT NULL,
      version int NOT NULL,
      txid bigint NOT NULL,
      parent_id uuid REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED
    );`,
  afterEachSql: 'TRUNCATE applied, inbox',
});

const consumerInfo = () => env.tb.bus.jsm.consumers.info(env.tb.bus.streamName('EVENTS'), 'svc');
const appliedRows = async (): Promise<Array<{ event_id: string; ticket_id: string; version: number; txid: string }>> =>
  (await env.db.pool.query('SELECT event_id, ticket_id, version, txid::text FROM applied ORDER BY txid, version')).rows;

async function record(p: { id: string; version: number }, ctx: TxEventContext, parentId: string | null = null): Promise<string> {
  const { rows } = await ctx.tx.query<{ txid: string }>(
    'INSERT INTO applied (event_id, ticket_id, version, txid, parent_id) VALUES ($1, $2, $3, txid_current(), $4) RETURNING txid::text',
    [ctx.eventId, p.id, p.version, parentId],
  );
  return rows[0]!.txid;
}

async function publishBacklog(tickets: string[], versions: number): Promise<string[]> {
  // Creates the stream before the consumer exists, as a service that started late would find it.
  const ids: string[] = [];
  for (let v = 1; v <= versions; v++) for (const t of tickets) ids.push(await publishTestEvent(env.tb.bus, 'event.updated', eventUpdated(t, v)));
  return ids;
}

test('a backlog is applied in a few transactions, not one per event, each aggregate in order, each event once', async () => {
  const tickets = Array.from({ length: 10 }, () => randomUUID());
  await publishBacklog(tickets, 20);
  const order = new Map<string, number[]>();
  await env.start({
    handlers: {
      'event.updated': async (p, ctx) => {
        await record(p, ctx);
        order.set(p.id, [...(order.get(p.id) ?? []), p.version]);
      },
    },
  });

  await waitFor(async () => expect((await appliedRows()).length).toBe(200), { timeoutMs: 20_000 });
  await waitFor(async () => expect((await consumerInfo()).num_ack_pending).toBe(0));
  const rows = await appliedRows();
  const transactions = new Set(rows.map((r) => r.txid)).size;
  expect(transactions).toBeLessThanOrEqual(40); // 2 lanes × batches of up to 32: typically 8–14
  for (const t of tickets) expect(order.get(t)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  const info = await consumerInfo();
  expect(info.delivered.consumer_seq).toBe(200); // each delivered once: no redelivery
  expect(info.num_pending).toBe(0);
  expect((await env.db.pool.query('SELECT count(*)::int AS n FROM inbox')).rows[0].n).toBe(200);
});

test('no event of a batch is acked before the batch commits', async () => {
  const tickets = Array.from({ length: 30 }, () => randomUUID());
  const ids = await publishBacklog(tickets, 1);
  const last = ids[ids.length - 1]!;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let blockedTxid: string | undefined;
  await env.start({
    lanes: 1,
    handlers: {
      'event.updated': async (p, ctx) => {
        const txid = await record(p, ctx);
        if (ctx.eventId === last) {
          blockedTxid = txid;
          await released;
        }
      },
    },
  });

  await waitFor(() => expect(blockedTxid).toBeDefined(), { timeoutMs: 20_000 });
  // Everything before `last` in its transaction is written but uncommitted: the server must still see it unacked.
  const inBatch = (await env.db.pool.query('SELECT count(*)::int AS n FROM applied')).rows[0].n as number; // committed rows only
  const uncommitted = tickets.length - inBatch;
  expect(uncommitted).toBeGreaterThan(1); // the blocked event shares its transaction with others
  await new Promise((r) => setTimeout(r, 300)); // acks of the committed batches reach the server
  expect((await consumerInfo()).num_ack_pending).toBe(uncommitted);
  release();
  await waitFor(async () => expect((await consumerInfo()).num_ack_pending).toBe(0));
  expect(await appliedRows()).toHaveLength(tickets.length);
});

test('a handler failing mid-batch: the rest are applied once, the failing event alone is retried and applied once', async () => {
  const { logger, records } = capturingLogger();
  const tickets = Array.from({ length: 30 }, () => randomUUID());
  const ids = await publishBacklog(tickets, 1);
  const doomed = ids[10]!;
  const deliveries: number[] = [];
  await env.start({
    logger,
    lanes: 1,
    backoffMs: [100],
    handlers: {
      'event.updated': async (p, ctx) => {
        if (ctx.eventId === doomed) {
          deliveries.push(ctx.deliveryCount);
          if (ctx.deliveryCount === 1) throw new Error('database hiccup');
        }
        await record(p, ctx);
      },
    },
  });

  await waitFor(async () => expect((await appliedRows()).length).toBe(30), { timeoutMs: 20_000 });
  await waitFor(async () => expect((await consumerInfo()).num_ack_pending).toBe(0));
  expect(deliveries).toEqual([1, 2]); // fails in the batch (naked, not run again), succeeds when redelivered
  expect((await consumerInfo()).delivered.consumer_seq).toBe(31); // only the failing event went back to the server
  expect(records.filter((r) => r.level >= 40).map((r) => r.eventId)).toEqual([doomed]);
  expect((await env.db.pool.query('SELECT count(*)::int AS n FROM inbox')).rows[0].n).toBe(30);
});

test('a batch whose COMMIT fails is applied event by event; only the event that breaks the commit is retried', async () => {
  const tickets = Array.from({ length: 20 }, () => randomUUID());
  const ids = await publishBacklog(tickets, 1);
  const breaking = ids[5]!;
  const deliveries: number[] = [];
  await env.start({
    lanes: 1,
    backoffMs: [100],
    handlers: {
      'event.updated': async (p, ctx) => {
        if (ctx.eventId === breaking) deliveries.push(ctx.deliveryCount);
        // First delivery of `breaking`: a dangling deferred reference, so COMMIT itself fails.
        await record(p, ctx, ctx.eventId === breaking && ctx.deliveryCount === 1 ? randomUUID() : null);
      },
    },
  });

  await waitFor(async () => expect((await appliedRows()).length).toBe(20), { timeoutMs: 20_000 });
  await waitFor(async () => expect((await consumerInfo()).num_ack_pending).toBe(0));
  expect(deliveries).toEqual([1, 1, 2]); // breaks the batch's commit, breaks its own, applied when redelivered
  expect((await consumerInfo()).delivered.consumer_seq).toBe(21); // only that event went back to the server
  const rows = await appliedRows();
  expect(new Set(rows.map((r) => r.event_id)).size).toBe(20);
});

test('a backlog of 40 with 20 already in the inbox: the handler runs exactly 20 times, in shared transactions', async () => {
  const ids = await publishBacklog(Array.from({ length: 40 }, () => randomUUID()), 1);
  const seen = ids.filter((_, i) => i % 2 === 0);
  await env.db.pool.query(`INSERT INTO inbox (consumer, event_id, subject) SELECT 'svc', id, 'event.updated' FROM unnest($1::uuid[]) AS id`, [seen]);
  const handled: string[] = [];
  await env.start({
    lanes: 1,
    handlers: {
      'event.updated': async (p, ctx) => {
        handled.push(ctx.eventId);
        await record(p, ctx);
      },
    },
  });

  await waitFor(async () => {
    const info = await consumerInfo();
    expect(info.delivered.consumer_seq).toBe(40);
    expect(info.num_pending).toBe(0);
    expect(info.num_ack_pending).toBe(0);
  }, { timeoutMs: 20_000 });
  expect(handled).toHaveLength(20);
  expect([...handled].sort()).toEqual(ids.filter((id) => !seen.includes(id)).sort());
  const rows = await appliedRows();
  expect(new Set(rows.map((r) => r.txid)).size).toBeLessThan(rows.length); // the batched path, not one event at a time
  expect((await env.db.pool.query('SELECT count(*)::int AS n FROM inbox')).rows[0].n).toBe(40);
});

test('the planted ack-before-commit fault reaches the batched path: an event failing in a batch is acked, so lost', async () => {
  const ids = await publishBacklog(Array.from({ length: 10 }, () => randomUUID()), 1);
  const doomed = ids[5]!;
  const deliveries: number[] = [];
  await env.start({
    lanes: 1,
    backoffMs: [100],
    faults: { ackBeforeCommit: true },
    handlers: {
      'event.updated': async (p, ctx) => {
        if (ctx.eventId === doomed) {
          deliveries.push(ctx.deliveryCount);
          throw new Error('rolled back after its ack');
        }
        await record(p, ctx);
      },
    },
  });

  await waitFor(async () => expect((await appliedRows()).length).toBe(9), { timeoutMs: 20_000 });
  await new Promise((r) => setTimeout(r, 600)); // several back-offs: a nak'ed event would be back by now
  expect(deliveries).toEqual([1]);
  const info = await consumerInfo();
  expect(info.num_ack_pending).toBe(0);
  expect(info.delivered.consumer_seq).toBe(10); // never redelivered
  const rows = await appliedRows();
  expect(new Set(rows.map((r) => r.txid)).size).toBeLessThan(rows.length);
  expect((await env.db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [doomed])).rows[0].n).toBe(0);
});
