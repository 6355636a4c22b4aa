import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { withTransaction, type DeliveryMethod, type EventSubject } from '@ticketing/common';
import { collectEvents, publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { placeOrder } from '../src/domain/place-order';
import { settlePayment } from '../src/domain/payments';
import { ordersTestApp, outboxEvents, seatsOf, seedListing, startEventHarness, testRules, type EventHarness } from './support';

/**
 * Delivery through real NATS (DELIVERIES, as tickets publishes it): the deadline, the delivered mark and the missed
 * deadline, whatever order the events arrive in and however often; a missed delivery cancels the paid order
 * (not_delivered) with order.cancelled and retires its tickets from the listing for good.
 */

let h: EventHarness;

beforeAll(async () => {
  h = await startEventHarness();
});
afterAll(async () => {
  await h.stop();
});

/** A paid order of `quantity` seats of a fresh 6-seat `later` listing (12.50 each). */
async function paidOrder(quantity = 2, delivery: DeliveryMethod = 'later') {
  const listing = await seedListing(h.db.pool, { seats: seatsOf(6), priceCents: 1250, delivery });
  const buyer = signedInUser();
  const order = await placeOrder(h.db.pool, testRules(), { buyerId: buyer.id, listingId: listing.id, quantity });
  const paid = await withTransaction(h.db.pool, (tx) => settlePayment(tx, { id: randomUUID(), orderId: order.id, amountCents: order.totalCents, providerId: 'pi_test' }));
  expect(paid.kind).toBe('completed');
  return { listing, buyer, order };
}

type PaidOrder = Awaited<ReturnType<typeof paidOrder>>;
const DEADLINE = '2031-05-01T18:00:00.000Z';
const DELIVERED_AT = '2031-04-30T09:15:00.000Z';

function deliveryEvent(o: PaidOrder, subject: 'delivery.scheduled' | 'delivery.completed' | 'delivery.missed') {
  const facts = { orderId: o.order.id, listingId: o.listing.id, ticketIds: o.order.tickets.map((t) => t.id), method: 'later' as const };
  if (subject === 'delivery.completed') return { ...facts, deliveredAt: DELIVERED_AT };
  return { ...facts, deadline: DEADLINE };
}

/** Publishes the order's delivery events one after the other, each handled before the next goes out. */
async function deliver(o: PaidOrder, subjects: Array<'delivery.scheduled' | 'delivery.completed' | 'delivery.missed'>): Promise<void> {
  for (const subject of subjects) {
    const eventId = await publishTestEvent(h.bus, subject as EventSubject & typeof subject, deliveryEvent(o, subject) as never);
    await waitFor(async () => (await h.db.pool.query("SELECT 1 FROM inbox WHERE consumer = 'orders' AND event_id = $1", [eventId])).rowCount === 1);
  }
}

const readOrder = async (o: PaidOrder) => (await request(ordersTestApp(h.db.pool)).get(`/api/orders/${o.order.id}`).set('Cookie', o.buyer.cookie)).body;
const subjectsOf = async (orderId: string) => (await outboxEvents(h.db.pool, orderId)).map((e) => e.subject);

describe('delivery.scheduled and delivery.completed, in either order, repeated', () => {
  test.each([
    ['scheduled, completed', ['delivery.scheduled', 'delivery.completed']],
    ['completed, scheduled (the early completion still ends delivered)', ['delivery.completed', 'delivery.scheduled']],
    ['scheduled, completed, then both again', ['delivery.scheduled', 'delivery.completed', 'delivery.completed', 'delivery.scheduled']],
  ] as const)('%s → delivered, with the deadline and the time of delivery', async (_name, subjects) => {
    const o = await paidOrder();
    await deliver(o, [...subjects]);
    const body = await readOrder(o);
    expect(body).toMatchObject({ status: 'complete', reason: null, delivery: { status: 'delivered', deadline: DEADLINE, deliveredAt: DELIVERED_AT } });
    expect(await subjectsOf(o.order.id)).toEqual(['order.created', 'order.completed']);
  });

  test('scheduled alone: pending with its deadline; an instant order completed at once has no deadline', async () => {
    const later = await paidOrder();
    expect((await readOrder(later)).delivery).toEqual({ status: 'pending', deadline: null, deliveredAt: null });
    await deliver(later, ['delivery.scheduled']);
    expect((await readOrder(later)).delivery).toEqual({ status: 'pending', deadline: DEADLINE, deliveredAt: null });

    const instant = await paidOrder(1, 'instant');
    await deliver(instant, ['delivery.completed']);
    expect((await readOrder(instant)).delivery).toEqual({ status: 'delivered', deadline: null, deliveredAt: DELIVERED_AT });
  });

  test('missed after delivered changes nothing (tickets never sends both; the delivered order stays paid)', async () => {
    const o = await paidOrder();
    await deliver(o, ['delivery.scheduled', 'delivery.completed', 'delivery.missed']);
    expect(await readOrder(o)).toMatchObject({ status: 'complete', delivery: { status: 'delivered' } });
    expect(await subjectsOf(o.order.id)).toEqual(['order.created', 'order.completed']);
    const { rows } = await h.db.pool.query('SELECT count(*)::int AS n FROM listing_tickets WHERE listing_id = $1 AND retired', [o.listing.id]);
    expect(rows[0].n).toBe(0);
  });
});

describe('delivery.missed', () => {
  test.each([
    ['scheduled, missed', ['delivery.scheduled', 'delivery.missed']],
    ['missed before scheduled, each twice', ['delivery.missed', 'delivery.missed', 'delivery.scheduled', 'delivery.scheduled']],
  ] as const)('%s → cancelled not_delivered once, order.cancelled v2 published, tickets released and retired', async (_name, subjects) => {
    const o = await paidOrder(2);
    const published = await collectEvents(h.bus, 'ORDERS', ['order.cancelled']);
    try {
      await deliver(o, [...subjects]);
      const cancelled = await published.waitFor('order.cancelled', (p) => p.id === o.order.id);
      expect(cancelled.payload).toEqual({ id: o.order.id, version: 2, listingId: o.listing.id, ticketIds: o.order.tickets.map((t) => t.id), reason: 'not_delivered' });
    } finally {
      await published.stop();
    }
    expect(await subjectsOf(o.order.id)).toEqual(['order.created', 'order.completed', 'order.cancelled']);
    expect(await readOrder(o)).toMatchObject({ status: 'cancelled', reason: 'not_delivered', delivery: { status: 'pending', deadline: DEADLINE, deliveredAt: null } });
    const { rows } = await h.db.pool.query(
      `SELECT ot.ticket_id AS id, ot.active, lt.retired FROM order_tickets ot JOIN listing_tickets lt ON lt.id = ot.ticket_id
       WHERE ot.order_id = $1 ORDER BY ot.position`,
      [o.order.id],
    );
    expect(rows).toEqual(o.order.tickets.map((t) => ({ id: t.id, active: false, retired: true })));
  });

  test('the listing still sells its other tickets, never the retired ones', async () => {
    const o = await paidOrder(2);
    await deliver(o, ['delivery.scheduled', 'delivery.missed']);
    const retired = new Set(o.order.tickets.map((t) => t.id));
    const app = ordersTestApp(h.db.pool);
    const buyer = signedInUser();
    // Six seats, two retired: four left, and no more.
    const tooMany = await request(app).post('/api/orders').set('Cookie', buyer.cookie).send({ listingId: o.listing.id, quantity: 5 });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.errors[0].message).toBe('Only 4 tickets left');
    const rest = await request(app).post('/api/orders').set('Cookie', buyer.cookie).send({ listingId: o.listing.id, quantity: 4 });
    expect(rest.status).toBe(201);
    expect(rest.body.tickets.some((t: { id: string }) => retired.has(t.id))).toBe(false);
    // The rest cancelled again: four free, the retired two still never offered.
    expect((await request(app).delete(`/api/orders/${rest.body.id}`).set('Cookie', buyer.cookie)).status).toBe(204);
    const again = await request(app).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId: o.listing.id, quantity: 6 });
    expect(again.status).toBe(409);
    expect(again.body.errors[0].message).toBe('Only 4 tickets left');
  });

  test('a held or already cancelled order is left alone by delivery.missed', async () => {
    const listing = await seedListing(h.db.pool, { seats: seatsOf(4), delivery: 'later' });
    const held = await placeOrder(h.db.pool, testRules(), { buyerId: randomUUID(), listingId: listing.id, quantity: 2 });
    const o = { listing, buyer: signedInUser(), order: held };
    await deliver(o, ['delivery.missed']);
    const { rows } = await h.db.pool.query('SELECT status, version FROM orders WHERE id = $1', [held.id]);
    expect(rows[0]).toEqual({ status: 'created', version: 0 });
    expect(await subjectsOf(held.id)).toEqual(['order.created']);
  });
});
