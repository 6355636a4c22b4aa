import request from 'supertest';
import { signedInUser, waitFor } from '@ticketing/common/testing';
import { startTicketsWithBus, type TicketsWithBus } from './events-support';
import { outboxRows } from './support';

let ctx: TicketsWithBus;
beforeAll(async () => {
  ctx = await startTicketsWithBus();
});
afterAll(async () => {
  await ctx.stop();
});

test('a ticket created over HTTP reaches the namespaced TICKETS stream as ticket.created, Nats-Msg-Id = outbox event id', async () => {
  const seller = signedInUser();
  const res = await request(ctx.app).post('/api/tickets').set('Cookie', seller.cookie).set('x-request-id', 'req-e2e-1').send({ title: 'Jazz', price: 30.5 }).expect(201);

  const event = await ctx.published.waitFor('ticket.created', (p) => p.id === res.body.id);
  expect(event.payload).toEqual({ id: res.body.id, version: 0, title: 'Jazz', priceCents: 3050, userId: seller.id });
  const [row] = (await outboxRows(ctx.db.pool)).filter((r) => r.payload.id === res.body.id);
  expect(event.headers['Nats-Msg-Id']).toBe(row!.event_id);
  expect(event.eventId).toBe(row!.event_id);
  expect(event.headers['Event-Type']).toBe('ticket.created');
  expect(event.headers['X-Request-Id']).toBe('req-e2e-1');

  // It went to this test's namespace only, and the relay marked the row sent after the stream stored it.
  const stream = await ctx.tb.bus.jsm.streams.info(ctx.tb.bus.streamName('TICKETS'));
  expect(stream.config.name).toBe(`${ctx.tb.namespace}_TICKETS`);
  expect(stream.config.subjects).toEqual([`${ctx.tb.namespace}.ticket.>`]);
  await waitFor(async () => {
    const { rows } = await ctx.db.pool.query('SELECT sent_at FROM outbox WHERE event_id = $1', [row!.event_id]);
    expect(rows[0].sent_at).not.toBeNull();
  });
});

test('edits reach the stream as ticket.updated in version order, once each', async () => {
  const seller = signedInUser();
  const t = await request(ctx.app).post('/api/tickets').set('Cookie', seller.cookie).send({ title: 'Ballet', price: 10 }).expect(201);
  for (const price of [11, 12, 13]) {
    await request(ctx.app).put(`/api/tickets/${t.body.id}`).set('Cookie', seller.cookie).send({ price }).expect(200);
  }
  await waitFor(() => expect(ctx.published.of('ticket.updated').filter((p) => p.id === t.body.id)).toHaveLength(3));
  const updates = ctx.published.events.filter((e) => e.subject === 'ticket.updated' && (e.payload as { id: string }).id === t.body.id);
  expect(updates.map((e) => [(e.payload as { version: number }).version, (e.payload as { priceCents: number }).priceCents])).toEqual([
    [1, 1100],
    [2, 1200],
    [3, 1300],
  ]);
  expect(updates.map((e) => e.seq)).toEqual([...updates.map((e) => e.seq)].sort((a, b) => a - b));
});
