import { randomUUID } from 'node:crypto';
import {
  eventSchemas,
  LEGACY_EVENT_ID,
  listingChangedSchema,
  MAX_TICKETS_PER_LISTING,
  orderCancelledSchema,
  orderCompletedSchema,
  orderCreatedSchema,
  validateEvent,
  type OrderCreatedEvent,
} from '@ticketing/common';
import { orderCreatedPayload } from '@ticketing/common/testing';

// The contracts of issue 16: order.* v2 (k tickets of one listing, prices fixed), the v1 messages still in a stream
// read as v2, listing.changed a whole snapshot, ticket.* gone.

const issuesOf = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  r.success ? [] : r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

/** order.created v2 as orders publishes it: k adjacent seats at unitPriceCents with the 10 %/5 % fees. */
function orderCreated(k = 2, unitPriceCents = 1999, over: Partial<OrderCreatedEvent> = {}): OrderCreatedEvent {
  return orderCreatedPayload({ quantity: k, unitPriceCents, expiresAt: '2030-01-01T12:15:00.000Z', ...over });
}

describe('order.created v2', () => {
  test.each([1, 2, 4, MAX_TICKETS_PER_LISTING])('%i tickets priced by priceOrder validate and come back unchanged', (k) => {
    const order = orderCreated(k);
    expect(orderCreatedSchema.parse(order)).toEqual(order);
  });

  test('unnumbered tickets (seat null) and an order without fees (buyer fee 0) are fine', () => {
    const order = orderCreated(2, 1000, { buyerFeeCents: 0, sellerFeeCents: 0, totalCents: 2000 });
    order.tickets = order.tickets.map((t) => ({ ...t, seat: null }));
    expect(orderCreatedSchema.safeParse(order).success).toBe(true);
  });

  test('the total must be quantity × unit price + buyer fee, to the cent (the seller fee is not the buyer’s)', () => {
    const good = orderCreated(3, 1999); // 5997 + 600 = 6597
    expect(good.totalCents).toBe(6597);
    for (const totalCents of [6596, 6598, 5997, 6597 + good.sellerFeeCents]) {
      expect(issuesOf(orderCreatedSchema.safeParse({ ...good, totalCents }))).toContainEqual({
        path: 'totalCents',
        message: 'totalCents must equal quantity × unitPriceCents + buyerFeeCents',
      });
    }
  });

  test('a ticket twice is refused', () => {
    const order = orderCreated(3);
    const twice = { ...order, tickets: [order.tickets[0]!, order.tickets[1]!, { ...order.tickets[0]!, seat: '99' }] };
    expect(issuesOf(orderCreatedSchema.safeParse(twice))).toContainEqual({ path: 'tickets', message: 'a ticket appears twice' });
  });

  test('tickets and quantity must agree', () => {
    const order = orderCreated(2);
    // Three tickets for an order of two (total consistent with quantity 2).
    const more = { ...order, tickets: [...order.tickets, { id: randomUUID(), seat: '13' }] };
    expect(issuesOf(orderCreatedSchema.safeParse(more))).toContainEqual({ path: 'tickets', message: 'tickets must hold exactly quantity tickets' });
    // One ticket for an order of two.
    const fewer = { ...order, tickets: order.tickets.slice(0, 1) };
    expect(issuesOf(orderCreatedSchema.safeParse(fewer))).toContainEqual({ path: 'tickets', message: 'tickets must hold exactly quantity tickets' });
  });

  test.each([
    ['no tickets', { tickets: [] }],
    ['more than a listing holds', { quantity: MAX_TICKETS_PER_LISTING + 1 }],
    ['quantity 0', { quantity: 0 }],
    ['a fractional unit price', { unitPriceCents: 19.99 }],
    ['a negative buyer fee', { buyerFeeCents: -1 }],
    ['a negative seller fee', { sellerFeeCents: -1 }],
    ['no listing', { listingId: undefined }],
    ['no seller', { sellerId: undefined }],
    ['no event', { eventId: undefined }],
    ['a seat label over 20 characters', { tickets: [{ id: randomUUID(), seat: 'x'.repeat(21) }] }],
    ['an empty seat label', { tickets: [{ id: randomUUID(), seat: '' }] }],
  ])('refused: %s', (_what, over) => {
    expect(orderCreatedSchema.safeParse({ ...orderCreated(1), ...over }).success).toBe(false);
  });
});

describe('v1 messages (one ticket per order) read as v2', () => {
  const ticketId = randomUUID();
  const userId = randomUUID();
  const orderId = randomUUID();

  test('order.created v1 → the one ticket of listing <ticket id> under the legacy event, at its price, no fees', () => {
    const v1 = { id: orderId, version: 0, status: 'created', userId, expiresAt: '2030-01-01T12:15:00.000Z', ticket: { id: ticketId, priceCents: 2550 } };
    expect(orderCreatedSchema.parse(v1)).toEqual({
      id: orderId,
      version: 0,
      status: 'created',
      userId,
      listingId: ticketId,
      eventId: LEGACY_EVENT_ID,
      sellerId: '00000000-0000-4000-8000-000000000000',
      expiresAt: '2030-01-01T12:15:00.000Z',
      tickets: [{ id: ticketId, seat: null }],
      quantity: 1,
      unitPriceCents: 2550,
      buyerFeeCents: 0,
      sellerFeeCents: 0,
      totalCents: 2550,
    });
    // The upcast is itself a valid v2 message (what a relay would publish after validating it).
    expect(orderCreatedSchema.parse(orderCreatedSchema.parse(v1))).toEqual(orderCreatedSchema.parse(v1));
  });

  test('order.cancelled v1 and order.completed v1 → the listing and its one ticket', () => {
    expect(orderCancelledSchema.parse({ id: orderId, version: 1, ticket: { id: ticketId }, reason: 'expired' })).toEqual({
      id: orderId,
      version: 1,
      listingId: ticketId,
      ticketIds: [ticketId],
      reason: 'expired',
    });
    const paymentId = randomUUID();
    expect(orderCompletedSchema.parse({ id: orderId, version: 2, ticket: { id: ticketId }, paymentId })).toEqual({
      id: orderId,
      version: 2,
      listingId: ticketId,
      ticketIds: [ticketId],
      paymentId,
    });
  });

  test('a malformed v1 is still refused (no half upcast)', () => {
    expect(orderCreatedSchema.safeParse({ id: orderId, version: 0, status: 'created', userId, expiresAt: '2030-01-01T12:15:00Z', ticket: { id: ticketId } }).success).toBe(false);
    expect(orderCreatedSchema.safeParse({ id: orderId, version: 0, status: 'created', userId, expiresAt: '2030-01-01T12:15:00Z', ticket: { id: ticketId, priceCents: 0 } }).success).toBe(false);
    expect(orderCancelledSchema.safeParse({ id: orderId, version: 1, ticket: { id: 'not-a-uuid' }, reason: 'expired' }).success).toBe(false);
  });
});

describe('order.cancelled / order.completed v2', () => {
  const ids = [randomUUID(), randomUUID()];

  test('carry the listing and the order’s tickets; the new cancellation reasons are accepted', () => {
    for (const reason of ['expired', 'cancelled', 'payment_rejected', 'event_cancelled', 'not_delivered'] as const) {
      expect(orderCancelledSchema.safeParse({ id: randomUUID(), version: 1, listingId: randomUUID(), ticketIds: ids, reason }).success).toBe(true);
    }
    expect(orderCompletedSchema.safeParse({ id: randomUUID(), version: 2, listingId: randomUUID(), ticketIds: ids, paymentId: randomUUID() }).success).toBe(true);
  });

  test('refused without tickets or with an unknown reason', () => {
    expect(orderCancelledSchema.safeParse({ id: randomUUID(), version: 1, listingId: randomUUID(), ticketIds: [], reason: 'expired' }).success).toBe(false);
    expect(orderCancelledSchema.safeParse({ id: randomUUID(), version: 1, listingId: randomUUID(), ticketIds: ids, reason: 'bored' }).success).toBe(false);
    expect(orderCompletedSchema.safeParse({ id: randomUUID(), version: 2, listingId: randomUUID(), ticketIds: [], paymentId: randomUUID() }).success).toBe(false);
  });
});

describe('listing.changed: a whole snapshot', () => {
  const snapshot = () => ({
    id: randomUUID(),
    eventId: randomUUID(),
    sellerId: randomUUID(),
    version: 3,
    status: 'active',
    section: 'Block 512',
    row: 'F',
    priceCents: 7500,
    faceValueCents: 6500,
    split: 'no-single',
    delivery: 'later',
    available: 2,
    tickets: [
      { id: randomUUID(), seat: '11', status: 'sold' },
      { id: randomUUID(), seat: '12', status: 'held' },
      { id: randomUUID(), seat: '13', status: 'available' },
      { id: randomUUID(), seat: '14', status: 'available' },
    ],
  });

  test('validates with its tickets in seat order; an unnumbered listing has row and seats null', () => {
    const l = snapshot();
    expect(listingChangedSchema.parse(l)).toEqual(l);
    const unnumbered = { ...l, row: null, tickets: l.tickets.map((t) => ({ ...t, seat: null })) };
    expect(listingChangedSchema.safeParse(unnumbered).success).toBe(true);
  });

  test.each([
    ['the summary-only shape of before', (l: ReturnType<typeof snapshot>) => ({ id: l.id, eventId: l.eventId, version: 0, status: 'active', available: 2, priceCents: 3500 })],
    ['no tickets', (l: ReturnType<typeof snapshot>) => ({ ...l, tickets: [] })],
    ['more tickets than a listing may hold', (l: ReturnType<typeof snapshot>) => ({ ...l, tickets: Array.from({ length: MAX_TICKETS_PER_LISTING + 1 }, () => ({ id: randomUUID(), seat: null, status: 'available' })) })],
    ['an unknown split rule', (l: ReturnType<typeof snapshot>) => ({ ...l, split: 'pairs' })],
    ['an unknown ticket status', (l: ReturnType<typeof snapshot>) => ({ ...l, tickets: [{ ...l.tickets[0]!, status: 'reserved' }] })],
    ['an unknown delivery', (l: ReturnType<typeof snapshot>) => ({ ...l, delivery: 'courier' })],
  ])('refused: %s', (_what, change) => {
    expect(listingChangedSchema.safeParse(change(snapshot())).success).toBe(false);
  });
});

test('ticket.created and ticket.updated are gone: validating one fails', () => {
  expect(Object.keys(eventSchemas)).not.toContain('ticket.created');
  expect(Object.keys(eventSchemas)).not.toContain('ticket.updated');
  expect(() => validateEvent('ticket.created' as never, { id: randomUUID() })).toThrow(/unknown subject/);
});

test('validateEvent (what publish and the outbox apply) upcasts a v1 order.created to v2', () => {
  const ticketId = randomUUID();
  const v1 = { id: randomUUID(), version: 0, status: 'created', userId: randomUUID(), expiresAt: '2030-01-01T12:15:00Z', ticket: { id: ticketId, priceCents: 1000 } };
  expect(validateEvent('order.created', v1)).toMatchObject({ listingId: ticketId, quantity: 1, totalCents: 1000, tickets: [{ id: ticketId, seat: null }] });
});
