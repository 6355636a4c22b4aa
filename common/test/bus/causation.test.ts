import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import request from 'supertest';
import { newTraceparent, withTransaction, writeOutbox, type Pool } from '@ticketing/common';
import { publishTestEvent, waitFor } from '@ticketing/common/testing';
import { serviceApp } from '../http/service-app';
import { consumerTestEnv, eventScheduled, eventUpdated } from './helpers';

// The request id and trace context reach the outbox one way: from the work in progress (an HTTP request, an event
// being handled), never passed along by the code in between.

const env = consumerTestEnv('bus_causation');

async function outboxHeadersOf(pool: Pool, ticketId: string): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ headers: Record<string, string> }>("SELECT headers FROM outbox WHERE payload->>'id' = $1", [ticketId]);
  expect(rows).toHaveLength(1);
  return rows[0]!.headers;
}

describe('an event written while handling an HTTP request', () => {
  const router = Router().post('/tickets', async (req, res) => {
    const ticket = eventScheduled(req.body.id as string);
    await withTransaction(env.db.pool, (tx) => writeOutbox(tx, 'event.scheduled', ticket));
    res.status(201).json({ id: ticket.id });
  });
  const app = serviceApp(router);

  test("carries the request's x-request-id and traceparent", async () => {
    const id = randomUUID();
    const traceparent = newTraceparent();
    await request(app).post('/tickets').set('x-request-id', 'req-causation-1').set('traceparent', traceparent).send({ id }).expect(201);
    expect(await outboxHeadersOf(env.db.pool, id)).toEqual({ requestId: 'req-causation-1', traceparent });
  });

  test('carries the minted request id when the caller sent none, and no invalid traceparent', async () => {
    const id = randomUUID();
    const res = await request(app).post('/tickets').set('traceparent', 'not-a-trace').send({ id }).expect(201);
    expect(await outboxHeadersOf(env.db.pool, id)).toEqual({ requestId: res.headers['x-request-id'] });
  });

  test('outside any request or handler, an event carries no cause', async () => {
    const ticket = eventScheduled();
    await withTransaction(env.db.pool, (tx) => writeOutbox(tx, 'event.scheduled', ticket));
    expect(await outboxHeadersOf(env.db.pool, ticket.id)).toEqual({});
  });
});

describe('an event written by a consumer handler', () => {
  const txids = new Map<string, string>();

  // Each consumed event.scheduled writes an event.updated of the same event, as a service reacting to an event would.
  const startReacting = () =>
    env.start({
      lanes: 1,
      handlers: {
        'event.scheduled': async (p, ctx) => {
          txids.set(p.id, (await ctx.tx.query<{ txid: string }>('SELECT txid_current()::text AS txid')).rows[0]!.txid);
          await writeOutbox(ctx.tx, 'event.updated', eventUpdated(p.id, 1));
        },
      },
    });
  const publishCause = async (requestId: string, traceparent = newTraceparent()) => {
    const ticket = eventScheduled();
    await publishTestEvent(env.tb.bus, 'event.scheduled', ticket, randomUUID(), { requestId, traceparent });
    return { ticketId: ticket.id, requestId, traceparent };
  };

  test("carries the consumed event's request id and trace context (one event at a time)", async () => {
    await startReacting();
    const cause = await publishCause('req-consumed-1');
    await waitFor(() => expect(txids.has(cause.ticketId)).toBe(true));
    await waitFor(async () => expect(await outboxHeadersOf(env.db.pool, cause.ticketId)).toEqual({ requestId: cause.requestId, traceparent: cause.traceparent }));
  });

  test("in a batch, each event written carries its own consumed event's request id", async () => {
    const causes: Array<Awaited<ReturnType<typeof publishCause>>> = [];
    for (let i = 0; i < 12; i++) causes.push(await publishCause(`req-batch-${i}`));
    await startReacting(); // after the backlog, so the events are applied in shared transactions
    await waitFor(() => expect(causes.every((c) => txids.has(c.ticketId))).toBe(true));
    expect(new Set(causes.map((c) => txids.get(c.ticketId))).size).toBeLessThan(causes.length);
    // txids are recorded inside the handlers, before their batch commits: wait for the commit to show the rows.
    for (const c of causes) {
      await waitFor(async () => expect(await outboxHeadersOf(env.db.pool, c.ticketId)).toEqual({ requestId: c.requestId, traceparent: c.traceparent }));
    }
  });
});
