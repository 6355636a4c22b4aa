import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TicketUpdatedEvent } from '@ticketing/common';
import { collectEvents, publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { ordersTestApp, startEventHarness, type EventHarness } from './support';

/**
 * Invariant 5 through real NATS: the tickets replica applies each listing's versions in order, once, whatever order
 * the events arrive in. A trigger (test database only) records every committed write to the replica, so the tests see
 * the sequence of versions applied, not just the end state.
 */

let h: EventHarness;

beforeAll(async () => {
  h = await startEventHarness({
    prepareDatabase: async (db) => {
      await db.pool.query(`
        CREATE TABLE ticket_history (seq bigserial PRIMARY KEY, id uuid, version int, title text, price_cents int);
        CREATE FUNCTION record_ticket_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO ticket_history (id, version, title, price_cents) VALUES (NEW.id, NEW.version, NEW.title, NEW.price_cents);
          RETURN NULL;
        END $$;
        CREATE TRIGGER record_ticket_write AFTER INSERT OR UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION record_ticket_write();`);
    },
  });
});
afterAll(async () => {
  await h.stop();
});

function listing(over: Partial<TicketUpdatedEvent> = {}): TicketUpdatedEvent {
  return { id: randomUUID(), version: 0, title: 'Jazz at the docks', priceCents: 3000, userId: randomUUID(), orderId: null, status: 'available', ...over };
}

async function history(ticketId: string): Promise<Array<{ version: number; title: string }>> {
  const { rows } = await h.db.pool.query('SELECT version, title FROM ticket_history WHERE id = $1 ORDER BY seq', [ticketId]);
  return rows;
}

async function processed(eventId: string): Promise<boolean> {
  const { rows } = await h.db.pool.query("SELECT 1 FROM inbox WHERE consumer = 'orders' AND event_id = $1", [eventId]);
  return rows.length === 1;
}

const replicaVersion = async (ticketId: string): Promise<number | undefined> =>
  (await h.db.pool.query('SELECT version FROM tickets WHERE id = $1', [ticketId])).rows[0]?.version;

test('ticket.created enters the replica; the same listing created again changes nothing', async () => {
  const t = listing();
  const { orderId: _o, status: _s, ...created } = t;
  await publishTestEvent(h.bus, 'ticket.created', created);
  await waitFor(async () => expect(await replicaVersion(t.id)).toBe(0));

  const again = await publishTestEvent(h.bus, 'ticket.created', { ...created, title: 'Other title' });
  await waitFor(() => processed(again));
  expect(await history(t.id)).toEqual([{ version: 0, title: 'Jazz at the docks' }]);
});

test('v3 delivered before v2: v2 is applied, then v3, each once; stale and duplicate versions are ignored', async () => {
  const t = listing();
  const { orderId: _o, status: _s, ...created } = t;
  await publishTestEvent(h.bus, 'ticket.created', created);
  await publishTestEvent(h.bus, 'ticket.updated', { ...t, version: 1, title: 'v1' });
  await waitFor(async () => expect(await replicaVersion(t.id)).toBe(1));

  // The stream stores v3 first, so the consumer sees v3 first: it is early and must wait for v2.
  const v3 = await publishTestEvent(h.bus, 'ticket.updated', { ...t, version: 3, title: 'v3' });
  const stream = h.bus.streamName('TICKETS');
  const v3Seq = (await h.bus.jsm.streams.info(stream)).state.last_seq;
  await waitFor(async () => (await h.bus.jsm.consumers.info(stream, 'orders')).delivered.stream_seq >= v3Seq);
  await new Promise((r) => setTimeout(r, 150));
  expect(await replicaVersion(t.id)).toBe(1);
  expect(await processed(v3)).toBe(false);
  const v2 = await publishTestEvent(h.bus, 'ticket.updated', { ...t, version: 2, title: 'v2' });

  await waitFor(async () => expect(await replicaVersion(t.id)).toBe(3));
  expect(await history(t.id)).toEqual([
    { version: 0, title: 'Jazz at the docks' },
    { version: 1, title: 'v1' },
    { version: 2, title: 'v2' },
    { version: 3, title: 'v3' },
  ]);
  expect([await processed(v2), await processed(v3)]).toEqual([true, true]);

  // An old version (a replayed stream, a late copy) and the current one again: acknowledged, applied never.
  const stale = await publishTestEvent(h.bus, 'ticket.updated', { ...t, version: 2, title: 'stale v2' });
  const duplicate = await publishTestEvent(h.bus, 'ticket.updated', { ...t, version: 3, title: 'copy of v3' });
  await waitFor(async () => expect([await processed(stale), await processed(duplicate)]).toEqual([true, true]));
  expect((await history(t.id)).map((r) => r.version)).toEqual([0, 1, 2, 3]);
});

test('ticket.updated for a listing whose ticket.created has not arrived waits for it', async () => {
  const t = listing();
  const { orderId: _o, status: _s, ...created } = t;
  await publishTestEvent(h.bus, 'ticket.updated', { ...t, version: 1, title: 'v1' });
  await new Promise((r) => setTimeout(r, 150));
  expect(await replicaVersion(t.id)).toBeUndefined();
  await publishTestEvent(h.bus, 'ticket.created', created);
  await waitFor(async () => expect(await replicaVersion(t.id)).toBe(1));
  expect((await history(t.id)).map((r) => r.version)).toEqual([0, 1]);
});

test('the price is fixed at creation: a later ticket.updated with another price does not change the order', async () => {
  const app = ordersTestApp(h.db.pool);
  const orderEvents = await collectEvents(h.bus, 'ORDERS', ['order.created']);
  try {
    const t = listing({ priceCents: 1000 });
    const { orderId: _o, status: _s, ...created } = t;
    await publishTestEvent(h.bus, 'ticket.created', created);
    await waitFor(async () => expect(await replicaVersion(t.id)).toBe(0));

    const buyer = signedInUser();
    const order = await request(app).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: t.id });
    expect(order.status).toBe(201);
    expect(order.body.ticket.price).toBe(10);

    await publishTestEvent(h.bus, 'ticket.updated', { ...t, version: 1, priceCents: 25_000, title: 'Now pricier' });
    await waitFor(async () => expect(await replicaVersion(t.id)).toBe(1));

    const read = await request(app).get(`/api/orders/${order.body.id}`).set('Cookie', buyer.cookie);
    expect(read.body.ticket).toEqual({ id: t.id, title: 'Now pricier', price: 10 });
    // What payments will charge comes from order.created, which the relay published with the order's price.
    const published = await orderEvents.waitFor('order.created', (p) => p.id === order.body.id);
    expect(published.payload.ticket).toEqual({ id: t.id, priceCents: 1000 });
  } finally {
    await orderEvents.stop();
  }
});
