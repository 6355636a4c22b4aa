import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LEGACY_EVENT_ID, listingChangedSchema } from '@ticketing/common';
import { generateSessionKeys, refuseOutboxRows, signedInUser } from '@ticketing/common/testing';
import { outboxRows, seedEvent, ticketsApp, ticketsAppForFile } from './support';

const ctx = ticketsAppForFile();
let eventId: string;
beforeEach(async () => {
  eventId = await seedEvent(ctx.db.pool);
});

const count = async (table: 'listings' | 'tickets' | 'outbox') => (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
const expectNothingStored = async () => {
  expect(await count('listings')).toBe(0);
  expect(await count('tickets')).toBe(0);
  expect(await count('outbox')).toBe(0);
};
const post = (body: Record<string, unknown>, cookie = signedInUser().cookie) =>
  request(ctx.app).post('/api/listings').set('Cookie', cookie).send(body);
const valid = () => ({ eventId, section: 'Block 512', row: 'F', seats: ['11', '12', '13', '14'], price: 50, faceValue: 45, split: 'no-single' });

describe('POST /api/listings', () => {
  test('201 with numbered seats: the listing, its tickets in seat order, and one listing.changed (version 0)', async () => {
    const seller = signedInUser();
    const res = await post({ ...valid(), section: '  Block 512 ', seats: [' 11', '12 ', '13', '14'] }, seller.cookie).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      eventId,
      sellerId: seller.id,
      event: { id: eventId, name: 'Test concert', startsAt: expect.any(String), timeZone: 'Europe/London', venue: { name: 'Hall', city: 'London', country: 'GB' } },
      section: 'Block 512',
      row: 'F',
      price: 50,
      faceValue: 45,
      split: 'no-single',
      delivery: 'later',
      quantity: 4,
      available: 4,
      buyableQuantities: [1, 2, 4],
      status: 'active',
      version: 0,
      createdAt: expect.any(String),
      tickets: ['11', '12', '13', '14'].map((seat) => ({ id: expect.any(String), seat, status: 'available', delivered: false, hasItem: false, deliveryDeadline: null })),
    });
    const stored = await ctx.db.pool.query('SELECT seat, position, status, order_id FROM tickets WHERE listing_id = $1 ORDER BY position', [res.body.id]);
    expect(stored.rows.map((t) => [t.seat, t.position, t.status, t.order_id])).toEqual([
      ['11', 1, 'available', null],
      ['12', 2, 'available', null],
      ['13', 3, 'available', null],
      ['14', 4, 'available', null],
    ]);
    const outbox = await outboxRows(ctx.db.pool);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ subject: 'listing.changed', aggregate_key: `listing:${res.body.id}` });
    expect(listingChangedSchema.parse(outbox[0]!.payload)).toEqual({
      id: res.body.id,
      eventId,
      sellerId: seller.id,
      version: 0,
      status: 'active',
      section: 'Block 512',
      row: 'F',
      priceCents: 5000,
      faceValueCents: 4500,
      split: 'no-single',
      delivery: 'later',
      available: 4,
      tickets: res.body.tickets.map((t: { id: string; seat: string }) => ({ id: t.id, seat: t.seat, status: 'available' })),
    });
  });

  test('201 with a quantity: unnumbered tickets (seat null); row optional; blank row is none', async () => {
    const seller = signedInUser();
    const { seats: _seats, ...rest } = valid();
    const res = await post({ ...rest, quantity: 3, row: '  ', split: 'any', delivery: 'later' }, seller.cookie).expect(201);
    expect(res.body).toMatchObject({ quantity: 3, available: 3, row: null, buyableQuantities: [1, 2, 3] });
    expect(res.body.tickets.map((t: { seat: null }) => t.seat)).toEqual([null, null, null]);
    const noRow = await post({ ...rest, row: undefined, quantity: 1, split: 'all' }, seller.cookie).expect(201);
    expect(noRow.body).toMatchObject({ row: null, buyableQuantities: [1] });
  });

  test('100 tickets and a price exactly at the cap (face value + 20 %) are accepted', async () => {
    const seats = Array.from({ length: 100 }, (_, i) => `S${i + 1}`);
    const res = await post({ ...valid(), seats, faceValue: 45.55, price: 54.66 }).expect(201);
    expect(res.body.quantity).toBe(100);
  });

  test.each([
    ['eventId not a UUID', { eventId: 'abc' }, 'eventId'],
    ['missing section', { section: undefined }, 'section'],
    ['blank section', { section: '  ' }, 'section'],
    ['section of 101 characters', { section: 'x'.repeat(101) }, 'section'],
    ['row of 21 characters', { row: 'r'.repeat(21) }, 'row'],
    ['row not text', { row: 7 }, 'row'],
    ['seats empty', { seats: [] }, 'seats'],
    ['seats repeated', { seats: ['1', '2', ' 1'] }, 'seats'],
    ['a seat label of 21 characters', { seats: ['1', 's'.repeat(21)] }, 'seats'],
    ['a blank seat label', { seats: ['1', ' '] }, 'seats'],
    ['a seat that is not text', { seats: [1, 2] }, 'seats'],
    ['101 seats', { seats: Array.from({ length: 101 }, (_, i) => `${i}`) }, 'seats'],
    ['both seats and quantity', { quantity: 4 }, 'seats'],
    ['neither seats nor quantity', { seats: undefined }, 'seats'],
    ['quantity 0', { seats: undefined, quantity: 0 }, 'quantity'],
    ['quantity 101', { seats: undefined, quantity: 101 }, 'quantity'],
    ['quantity 1.5', { seats: undefined, quantity: 1.5 }, 'quantity'],
    ['quantity as text', { seats: undefined, quantity: '2' }, 'quantity'],
    ['price with three decimals', { price: 10.999 }, 'price'],
    ['price 0', { price: 0 }, 'price'],
    ['price as text', { price: '50' }, 'price'],
    ['missing faceValue', { faceValue: undefined }, 'faceValue'],
    ['faceValue above 100000', { faceValue: 100000.01 }, 'faceValue'],
    ['unknown split', { split: 'pairs' }, 'split'],
    ['missing split', { split: undefined }, 'split'],
    ['unknown delivery', { delivery: 'post' }, 'delivery'],
    ['price over the cap', { faceValue: 45, price: 54.01 }, 'price'],
    ['an even split with an odd count', { split: 'even', seats: ['1', '2', '3'] }, 'split'],
    ['an event the replica does not know', { eventId: randomUUID() }, 'eventId'],
  ])('400 for %s, naming the field; nothing stored', async (_name, change, field) => {
    const res = await post({ ...valid(), ...change }).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field, message: expect.any(String) })]);
    await expectNothingStored();
  });

  test('the messages say what to do: cap, split, unknown event', async () => {
    const msg = async (change: Record<string, unknown>) => (await post({ ...valid(), ...change }).expect(400)).body.errors[0].message as string;
    expect(await msg({ price: 60 })).toMatch(/at most 54.*face value 45.*20%/);
    expect(await msg({ split: 'even', seats: ['1'] })).toMatch(/even number of tickets/);
    expect(await msg({ eventId: randomUUID() })).toBe('No such event (an event created moments ago can take a moment to appear)');
  });

  test('every bad field is named at once', async () => {
    const res = await post({ eventId: 'x', section: '', seats: [], price: 0, faceValue: -1, split: 'x' }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['eventId', 'faceValue', 'price', 'seats', 'section', 'split']);
  });

  test('409 for a cancelled event and for one that has started; nothing stored', async () => {
    const cancelled = await seedEvent(ctx.db.pool, { status: 'cancelled' });
    const started = await seedEvent(ctx.db.pool, { startsAt: new Date(Date.now() - 60_000) });
    expect((await post({ ...valid(), eventId: cancelled }).expect(409)).body.errors[0].message).toBe('This event is cancelled');
    expect((await post({ ...valid(), eventId: started }).expect(409)).body.errors[0].message).toBe('This event has already started');
    await expectNothingStored();
  });

  test('401 without a session and with a forged one; 415 for a non-JSON body; nothing stored', async () => {
    await request(ctx.app).post('/api/listings').send(valid()).expect(401);
    await post(valid(), signedInUser({ privateKey: generateSessionKeys().privateKey }).cookie).expect(401);
    await request(ctx.app).post('/api/listings').set('Cookie', signedInUser().cookie).set('Content-Type', 'text/plain').send('x').expect(415);
    await expectNothingStored();
  });

  test('without a cap (MAX_MARKUP_PERCENT empty) any price is accepted', async () => {
    const uncapped = ticketsApp(ctx.db.pool, { maxMarkupPercent: null });
    await request(uncapped).post('/api/listings').set('Cookie', signedInUser().cookie).send({ ...valid(), price: 1000, faceValue: 10 }).expect(201);
  });

  test('the listing and its event are one transaction: when the outbox refuses the event, no listing or ticket is stored', async () => {
    const refusal = await refuseOutboxRows(ctx.db.pool, 'listing.changed');
    try {
      const res = await post(valid());
      expect(res.status).toBe(500);
      expect(res.body.errors[0].message).toMatch(/request id/);
      expect(await refusal.refusals()).toBe(1);
    } finally {
      await refusal.allow();
    }
    await expectNothingStored();
  });
});

describe('GET /api/listings/terms', () => {
  test('the cap, the limit and the choices, for anyone', async () => {
    const res = await request(ctx.app).get('/api/listings/terms').expect(200);
    expect(res.body).toEqual({
      maxMarkupPercent: 20,
      maxTicketsPerListing: 100,
      splits: ['any', 'even', 'all', 'no-single'],
      deliveries: ['instant', 'later'],
    });
    const uncapped = await request(ticketsApp(ctx.db.pool, { maxMarkupPercent: null })).get('/api/listings/terms').expect(200);
    expect(uncapped.body.maxMarkupPercent).toBeNull();
  });
});

describe('legacy listings', () => {
  test('the legacy event is an event like any other in the replica (listing under it is checked the same way)', async () => {
    await post({ ...valid(), eventId: LEGACY_EVENT_ID }).expect(400);
  });
});
