import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { withTransaction } from '@ticketing/common';
import { collectEvents, publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { cancelOrderIfIn } from '../src/data/orders.data';
import { placeOrder } from '../src/domain/place-order';
import { settlePayment } from '../src/domain/payments';
import { ordersTestApp, outboxEvents, seatsOf, seedEvent, seedListing, startEventHarness, testRules, type EventHarness } from './support';

/**
 * event.cancelled through real NATS (EVENTS, common's catalogEventsConsumer `then`): every hold and every paid order
 * of the event ends cancelled with reason event_cancelled and its own order.cancelled v2; other events' orders and
 * already ended ones are left alone; a repeat changes nothing; a payment arriving afterwards is rejected (refunded).
 */

let h: EventHarness;
beforeAll(async () => {
  h = await startEventHarness();
});
afterAll(async () => {
  await h.stop();
});

const rules = testRules();

async function hold(listingId: string, quantity = 2) {
  const buyer = signedInUser();
  const order = await placeOrder(h.db.pool, rules, { buyerId: buyer.id, listingId, quantity });
  return { buyer, order };
}

async function pay(orderId: string, amountCents: number) {
  const paymentId = randomUUID();
  const outcome = await withTransaction(h.db.pool, (tx) => settlePayment(tx, { id: paymentId, orderId, amountCents, providerId: 'pi_test' }));
  return { paymentId, outcome };
}

async function publishAndWait(subject: 'event.cancelled' | 'payment.created', payload: never): Promise<void> {
  const eventId = await publishTestEvent(h.bus, subject, payload);
  await waitFor(async () => (await h.db.pool.query("SELECT 1 FROM inbox WHERE consumer = 'orders' AND event_id = $1", [eventId])).rowCount === 1);
}

const statusOf = async (id: string) =>
  (await h.db.pool.query<{ status: string; reason: string | null; version: number }>('SELECT status, cancel_reason AS reason, version FROM orders WHERE id = $1', [id])).rows[0];
const subjectsOf = async (orderId: string) => (await outboxEvents(h.db.pool, orderId)).map((e) => e.subject);

test('holds and paid orders of the event end event_cancelled, one order.cancelled v2 each; others untouched; a repeat does nothing', async () => {
  const event = await seedEvent(h.db.pool);
  const listings = await Promise.all([0, 1, 2].map(() => seedListing(h.db.pool, { eventId: event.id, seats: seatsOf(6) })));
  const held = await Promise.all(listings.map((l) => hold(l.id)));
  const paid = await Promise.all(listings.map((l) => hold(l.id)));
  for (const p of paid) expect((await pay(p.order.id, p.order.totalCents)).outcome.kind).toBe('completed');
  const ended = await hold(listings[0]!.id, 1);
  await cancelOrderIfIn(h.db.pool, ended.order.id, ['created'], 'cancelled');
  const otherEventOrder = await hold((await seedListing(h.db.pool)).id);
  await pay(otherEventOrder.order.id, otherEventOrder.order.totalCents);

  const published = await collectEvents(h.bus, 'ORDERS', ['order.cancelled']);
  try {
    await publishAndWait('event.cancelled', { ...event, version: 1, status: 'cancelled' } as never);
    for (const o of [...held, ...paid]) {
      const e = await published.waitFor('order.cancelled', (p) => p.id === o.order.id);
      expect(e.payload).toEqual({
        id: o.order.id,
        version: held.includes(o) ? 1 : 2,
        listingId: o.order.listingId,
        ticketIds: o.order.tickets.map((t) => t.id),
        reason: 'event_cancelled',
      });
    }
  } finally {
    await published.stop();
  }
  for (const o of held) expect(await statusOf(o.order.id)).toEqual({ status: 'cancelled', reason: 'event_cancelled', version: 1 });
  for (const o of paid) {
    expect(await statusOf(o.order.id)).toEqual({ status: 'cancelled', reason: 'event_cancelled', version: 2 });
    expect(await subjectsOf(o.order.id)).toEqual(['order.created', 'order.completed', 'order.cancelled']);
  }
  expect(await statusOf(ended.order.id)).toEqual({ status: 'cancelled', reason: 'cancelled', version: 1 });
  expect(await statusOf(otherEventOrder.order.id)).toMatchObject({ status: 'complete', reason: null });
  const { rows } = await h.db.pool.query(
    'SELECT count(*)::int AS n FROM order_tickets ot JOIN orders o ON o.id = ot.order_id WHERE o.event_id = $1 AND ot.active',
    [event.id],
  );
  expect(rows[0].n).toBe(0);

  // The same version again (redelivered, or published twice) is stale for the replica: nothing more happens.
  await publishAndWait('event.cancelled', { ...event, version: 1, status: 'cancelled' } as never);
  for (const o of [...held, ...paid]) expect((await subjectsOf(o.order.id)).filter((s) => s === 'order.cancelled')).toHaveLength(1);

  // New orders are refused: the listings' event is closed.
  const res = await request(ordersTestApp(h.db.pool)).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId: listings[1]!.id, quantity: 1 });
  expect(res.status).toBe(409);
  expect(res.body.message ?? res.body.error ?? JSON.stringify(res.body)).toMatch(/cancelled/);
});

test('a payment arriving after the cancellation is rejected (order.payment_rejected → payments refunds it)', async () => {
  const event = await seedEvent(h.db.pool);
  const listing = await seedListing(h.db.pool, { eventId: event.id, seats: seatsOf(4) });
  const o = await hold(listing.id);
  await publishAndWait('event.cancelled', { ...event, version: 1, status: 'cancelled' } as never);
  expect(await statusOf(o.order.id)).toMatchObject({ status: 'cancelled', reason: 'event_cancelled' });

  const paymentId = randomUUID();
  await publishAndWait('payment.created', { id: paymentId, orderId: o.order.id, amountCents: o.order.totalCents, providerId: 'pi_late' } as never);
  expect(await statusOf(o.order.id)).toMatchObject({ status: 'cancelled', reason: 'event_cancelled' });
  const events = await outboxEvents(h.db.pool, o.order.id);
  expect(events.map((e) => e.subject)).toEqual(['order.created', 'order.cancelled', 'order.payment_rejected']);
  expect(events[2]!.payload).toEqual({ orderId: o.order.id, paymentId });
});

test('a payment and the cancellation racing: the order ends cancelled either way, refunded exactly once by one path', async () => {
  for (let round = 0; round < 10; round++) {
    const event = await seedEvent(h.db.pool);
    const listing = await seedListing(h.db.pool, { eventId: event.id, seats: seatsOf(4) });
    const o = await hold(listing.id);
    const paymentId = randomUUID();
    await Promise.all([
      publishAndWait('event.cancelled', { ...event, version: 1, status: 'cancelled' } as never),
      publishAndWait('payment.created', { id: paymentId, orderId: o.order.id, amountCents: o.order.totalCents, providerId: 'pi_race' } as never),
    ]);
    expect(await statusOf(o.order.id)).toMatchObject({ status: 'cancelled', reason: 'event_cancelled' });
    const subjects = await subjectsOf(o.order.id);
    // Paid first → completed then cancelled (payments refunds on order.cancelled); cancelled first → payment rejected.
    expect([
      ['order.created', 'order.completed', 'order.cancelled'],
      ['order.created', 'order.cancelled', 'order.payment_rejected'],
    ]).toContainEqual(subjects);
  }
});
