import { randomUUID } from 'node:crypto';
import type { PaymentCreatedEvent } from '@ticketing/common';
import { collectEvents, publishTestEvent, waitFor } from '@ticketing/common/testing';
import { cancelOrder } from '../src/domain/orders';
import { placeOrder } from '../src/domain/place-order';
import { outboxEvents, seedListing, startEventHarness, testRules, type EventHarness } from './support';

/**
 * Invariant 6 through real NATS: a payment and an expiry decide an order's fate in one conditional update each, so
 * the order ends complete (order.completed) or cancelled with the payment rejected (order.payment_rejected), never
 * both and never neither.
 */

let h: EventHarness;

beforeAll(async () => {
  h = await startEventHarness();
});
afterAll(async () => {
  await h.stop();
});

/** An order of 2 tickets at 10.00 each: 20.00 + 2.00 buyer fee = 22.00 to pay. */
async function newOrder(unitPriceCents = 1000) {
  const listing = await seedListing(h.db.pool, { priceCents: unitPriceCents });
  return placeOrder(h.db.pool, testRules(), { buyerId: randomUUID(), listingId: listing.id, quantity: 2 });
}

function payment(orderId: string, amountCents = 2200): PaymentCreatedEvent {
  return { id: randomUUID(), orderId, amountCents, providerId: `pi_${randomUUID().slice(0, 8)}` };
}

async function orderState(orderId: string): Promise<{ status: string; cancel_reason: string | null; payment_id: string | null; version: number }> {
  return (await h.db.pool.query('SELECT status, cancel_reason, payment_id, version FROM orders WHERE id = $1', [orderId])).rows[0];
}

const subjectsOf = async (orderId: string) => (await outboxEvents(h.db.pool, orderId)).map((e) => e.subject);

test('payment.created completes a created order: complete, payment id kept, order.completed published', async () => {
  const order = await newOrder();
  const pay = payment(order.id);
  const completedEvents = await collectEvents(h.bus, 'ORDERS', ['order.completed']);
  try {
    await publishTestEvent(h.bus, 'payment.created', pay);
    const published = await completedEvents.waitFor('order.completed', (p) => p.id === order.id);
    expect(published.payload).toEqual({ id: order.id, version: 1, listingId: order.listingId, ticketIds: order.tickets.map((t) => t.id), paymentId: pay.id });
    expect(await orderState(order.id)).toEqual({ status: 'complete', cancel_reason: null, payment_id: pay.id, version: 1 });
  } finally {
    await completedEvents.stop();
  }

  // The same payment again (payments republished it under a new event id): nothing happens.
  const again = await publishTestEvent(h.bus, 'payment.created', pay);
  await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [again])).rowCount === 1);
  expect(await subjectsOf(order.id)).toEqual(['order.created', 'order.completed']);

  // Another payment for the already-paid order: rejected, so it is refunded; the order keeps the first payment.
  const second = payment(order.id);
  await publishTestEvent(h.bus, 'payment.created', second);
  await waitFor(async () => expect(await subjectsOf(order.id)).toEqual(['order.created', 'order.completed', 'order.payment_rejected']));
  expect((await outboxEvents(h.db.pool, order.id))[2]!.payload).toEqual({ orderId: order.id, paymentId: second.id });
  expect((await orderState(order.id)).payment_id).toBe(pay.id);
});

test('payment.created for a cancelled order: order.payment_rejected, the order stays cancelled', async () => {
  const order = await newOrder();
  await cancelOrder(h.db.pool, { userId: order.userId, orderId: order.id });
  const pay = payment(order.id);
  await publishTestEvent(h.bus, 'payment.created', pay);
  await waitFor(async () => expect(await subjectsOf(order.id)).toEqual(['order.created', 'order.cancelled', 'order.payment_rejected']));
  expect(await orderState(order.id)).toMatchObject({ status: 'cancelled', payment_id: null });
});

test('payment.created for another amount than the order total is rejected; the order keeps holding', async () => {
  const order = await newOrder();
  // The subtotal without the buyer fee is not the total.
  await publishTestEvent(h.bus, 'payment.created', payment(order.id, 2000));
  await waitFor(async () => expect(await subjectsOf(order.id)).toEqual(['order.created', 'order.payment_rejected']));
  expect((await orderState(order.id)).status).toBe('created');
});

test('a payment of the total the order fixed completes it after the seller changed the price (the listing is not asked again)', async () => {
  const listing = await seedListing(h.db.pool, { priceCents: 1000 });
  const order = await placeOrder(h.db.pool, testRules(), { buyerId: randomUUID(), listingId: listing.id, quantity: 2 });
  await publishTestEvent(h.bus, 'listing.changed', { ...listing, version: 1, priceCents: 2500 });
  await waitFor(async () => expect((await h.db.pool.query('SELECT price_cents FROM listings WHERE id = $1', [listing.id])).rows[0].price_cents).toBe(2500));
  await publishTestEvent(h.bus, 'payment.created', payment(order.id, 2200));
  await waitFor(async () => expect(await subjectsOf(order.id)).toEqual(['order.created', 'order.completed']));
  expect((await orderState(order.id)).status).toBe('complete');
});

test('expiration.completed cancels a created order (reason expired) and leaves a complete one alone', async () => {
  const holding = await newOrder();
  await publishTestEvent(h.bus, 'expiration.completed', { orderId: holding.id });
  await waitFor(async () => expect(await subjectsOf(holding.id)).toEqual(['order.created', 'order.cancelled']));
  expect((await outboxEvents(h.db.pool, holding.id))[1]!.payload).toEqual({
    id: holding.id, version: 1, listingId: holding.listingId, ticketIds: holding.tickets.map((t) => t.id), reason: 'expired',
  });

  const paid = await newOrder();
  await publishTestEvent(h.bus, 'payment.created', payment(paid.id));
  await waitFor(async () => expect((await orderState(paid.id)).status).toBe('complete'));
  const expiry = await publishTestEvent(h.bus, 'expiration.completed', { orderId: paid.id });
  await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [expiry])).rowCount === 1);
  expect(await orderState(paid.id)).toMatchObject({ status: 'complete', version: 1 });
  expect(await subjectsOf(paid.id)).toEqual(['order.created', 'order.completed']);
});

test('payment.created racing expiration.completed, 50 orders at once: each ends paid or refunded, never both, never neither', async () => {
  const orders = await Promise.all(Array.from({ length: 50 }, () => newOrder()));
  const payments = new Map(orders.map((o) => [o.id, payment(o.id)]));
  const published = await collectEvents(h.bus, 'ORDERS', ['order.completed', 'order.cancelled', 'order.payment_rejected']);
  try {
    // Both events of every order go out together, in alternating order, so the two consumers (PAYMENTS and
    // EXPIRATION) work on the same orders at the same moment.
    const eventIds = await Promise.all(
      orders.flatMap((o, i) => {
        const pay = () => publishTestEvent(h.bus, 'payment.created', payments.get(o.id)!);
        const expire = () => publishTestEvent(h.bus, 'expiration.completed', { orderId: o.id });
        return i % 2 ? [pay(), expire()] : [expire(), pay()];
      }),
    );

    // Both events of every order processed (each recorded once in the inbox, in its handler's transaction).
    const handled = async () => (await h.db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1::uuid[])', [eventIds])).rows[0].n;
    await waitFor(async () => expect(await handled()).toBe(100), { timeoutMs: 20_000 });
    const outcomes = { paid: 0, refunded: 0 };
    for (const o of orders) {
      const subjects = await subjectsOf(o.id);
      const state = await orderState(o.id);
      if (state.status === 'complete') {
        expect(subjects).toEqual(['order.created', 'order.completed']);
        expect(state.payment_id).toBe(payments.get(o.id)!.id);
        outcomes.paid++;
      } else {
        expect(state).toMatchObject({ status: 'cancelled', cancel_reason: 'expired', payment_id: null });
        expect(subjects.sort()).toEqual(['order.cancelled', 'order.created', 'order.payment_rejected']);
        outcomes.refunded++;
      }
    }
    expect(outcomes.paid + outcomes.refunded).toBe(50);
    // Each order's tickets followed its fate in the same transaction: owned when paid, freed when it expired.
    const { rows: tickets } = await h.db.pool.query(
      `SELECT o.status, bool_and(ot.active) AS all_active, bool_or(ot.active) AS any_active
       FROM orders o JOIN order_tickets ot ON ot.order_id = o.id WHERE o.id = ANY($1::uuid[]) GROUP BY o.id`,
      [orders.map((o) => o.id)],
    );
    for (const t of tickets) expect(t).toEqual(t.status === 'complete' ? { status: 'complete', all_active: true, any_active: true } : { status: 'cancelled', all_active: false, any_active: false });

    // What left for the other services through the relay matches: one decision per order.
    await published.waitForCount(outcomes.paid + 2 * outcomes.refunded, { timeoutMs: 20_000 });
    const completed = new Set(published.of('order.completed').map((p) => p.id));
    const rejected = new Set(published.of('order.payment_rejected').map((p) => p.orderId));
    for (const o of orders) expect(completed.has(o.id) !== rejected.has(o.id)).toBe(true);
    process.stdout.write(`[orders settlement race] 50 orders: ${outcomes.paid} paid, ${outcomes.refunded} expired first (payment rejected)\n`);
  } finally {
    await published.stop();
  }
});
