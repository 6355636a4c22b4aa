import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buyableQuantities, canBuy, isPgError, PG_UNIQUE_VIOLATION, priceOrder, withTransaction, type ListingChangedEvent } from '@ticketing/common';
import { signedInUser } from '@ticketing/common/testing';
import { insertOrder, ONE_ACTIVE_ORDER_PER_TICKET, type NewOrder } from '../src/data/orders.data';
import { applyListingChanged } from '../src/domain/listings-replica';
import { DEFAULT_ORDER_RULES } from '../src/config';
import { rush, seatsOf, seedListing, serveOrders, statuses, type Attempt } from './support';

/**
 * Invariants 1, 2 and 4 under real concurrency: many buyers' requests in flight at once against a listening server,
 * each a different signed-in buyer, on its own connection and its own pooled database connection (the pool holds 20).
 */

const orders = serveOrders();
const report = (line: string) => process.stdout.write(`[orders race] ${line}\n`);

function buyers(listingId: string, quantities: number[]) {
  return quantities.map((quantity) => {
    const user = signedInUser();
    return { cookie: user.cookie, buyerId: user.id, listingId, quantity };
  });
}

const shuffled = <T>(xs: T[]) => xs.map((x) => [Math.random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);

/** Every ticket of the winners, checked disjoint here and in the database; returns how many tickets were taken. */
async function expectDisjointHolds(listing: ListingChangedEvent, attempts: Attempt[]): Promise<number> {
  const won = attempts.filter((a) => a.status === 201);
  for (const a of won) expect(a.body.tickets).toHaveLength(a.quantity);
  const ticketIds = won.flatMap((a) => a.body.tickets!.map((t) => t.id));
  expect(new Set(ticketIds).size).toBe(ticketIds.length);
  const listed = new Set(listing.tickets.map((t) => t.id));
  expect(ticketIds.every((id) => listed.has(id))).toBe(true);
  const { rows } = await orders.db.pool.query(
    `SELECT ot.ticket_id, count(*)::int AS n FROM order_tickets ot JOIN orders o ON o.id = ot.order_id
     WHERE o.listing_id = $1 AND ot.active GROUP BY ot.ticket_id`,
    [listing.id],
  );
  expect(rows.every((r) => r.n === 1)).toBe(true);
  expect(rows).toHaveLength(ticketIds.length);
  return ticketIds.length;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

beforeAll(async () => {
  // A running service has a warm pool and warm code paths: measure that, not the first connections' set-up.
  const warm = await Promise.all(Array.from({ length: 20 }, () => seedListing(orders.db.pool, { seats: seatsOf(2) })));
  await rush(orders.url, warm.flatMap((l) => buyers(l.id, [1])));
});

test('50 buyers each asking for 2 of a 20-ticket no-single listing: exactly 10 orders, 40 × 409, disjoint adjacent pairs, no 5xx', async () => {
  const listing = await seedListing(orders.db.pool, { seats: seatsOf(20), split: 'no-single' });
  const started = performance.now();
  const attempts = await rush(orders.url, buyers(listing.id, Array(50).fill(2)));
  const seconds = (performance.now() - started) / 1000;

  expect(statuses(attempts)).toEqual({ 201: 10, 409: 40 });
  expect(await expectDisjointHolds(listing, attempts)).toBe(20);
  // Adjacent pairs: every winner's two seats are next to each other.
  for (const a of attempts.filter((x) => x.status === 201)) {
    const [s1, s2] = a.body.tickets!.map((t) => Number(t.seat!.slice(1)));
    expect(s2! - s1!).toBe(1);
  }
  const losers = attempts.filter((a) => a.status === 409);
  expect(new Set(losers.map((a) => a.body.errors![0]!.message))).toEqual(new Set(['No tickets left: every ticket of this listing is held or sold']));
  report(`20-ticket no-single listing × 50 buyers of 2: 10 × 201, 40 × 409 in ${seconds.toFixed(2)} s; p99 ${percentile(attempts.map((a) => a.ms), 99).toFixed(0)} ms`);
});

test('on-sale rush: 300 buyers of pairs for a 100-ticket listing: exactly 50 winners, 250 × 409, no 5xx', async () => {
  const listing = await seedListing(orders.db.pool, { seats: seatsOf(100), split: 'no-single' });
  const started = performance.now();
  const attempts = await rush(orders.url, buyers(listing.id, Array(300).fill(2)));
  const seconds = (performance.now() - started) / 1000;
  expect(statuses(attempts)).toEqual({ 201: 50, 409: 250 });
  expect(await expectDisjointHolds(listing, attempts)).toBe(100);
  const winners = attempts.filter((a) => a.status === 201).map((a) => a.ms);
  const losers = attempts.filter((a) => a.status === 409).map((a) => a.ms);
  report(
    `100 tickets × 300 buyers of 2: ${seconds.toFixed(2)} s wall; winners p50 ${percentile(winners, 50).toFixed(0)} ms, ` +
      `losers p50 ${percentile(losers, 50).toFixed(0)} ms, p99 ${percentile(attempts.map((a) => a.ms), 99).toFixed(0)} ms`,
  );
});

test('no-single under a race of mixed quantities: what is left is never a single ticket and can always still be sold', async () => {
  for (let round = 0; round < 5; round++) {
    const listing = await seedListing(orders.db.pool, { seats: seatsOf(20), split: 'no-single' });
    // Demand near supply (20 tickets): sometimes everything goes, often a few are left for the check below.
    const attempts = await rush(orders.url, buyers(listing.id, shuffled(Array.from({ length: 8 + round * 2 }, (_, i) => 1 + (i % 3)))));
    expect(Object.keys(statuses(attempts)).every((s) => s === '201' || s === '409')).toBe(true);
    const left = 20 - (await expectDisjointHolds(listing, attempts));
    expect(left).not.toBe(1);
    if (left > 0) {
      // The rest of the listing is still sellable: one more buyer takes all of it.
      expect(canBuy('no-single', left, left)).toBe(true);
      const [rest] = await rush(orders.url, buyers(listing.id, [left]));
      expect(rest!.status).toBe(201);
    }
    report(`no-single round ${round + 1}: ${statuses(attempts)[201]} orders of 1–3, ${left} left after the race`);
  }
});

test('an even listing under a race: only pairs are sold, odd quantities are refused with 400, the rest stays even and sellable', async () => {
  const listing = await seedListing(orders.db.pool, { seats: seatsOf(16), split: 'even' });
  const quantities = shuffled([...Array(20).fill(2), ...Array(10).fill(4), ...Array(10).fill(3)]);
  const attempts = await rush(orders.url, buyers(listing.id, quantities));

  const counts = statuses(attempts);
  expect(Object.keys(counts).sort()).toEqual(expect.arrayContaining(['201', '400']));
  expect(Object.keys(counts).every((s) => ['201', '400', '409'].includes(s))).toBe(true);
  expect(attempts.filter((a) => a.quantity === 3).map((a) => a.status)).toEqual(Array(10).fill(400));
  const left = 16 - (await expectDisjointHolds(listing, attempts));
  expect(left % 2).toBe(0);
  if (left > 0) expect(buyableQuantities('even', left)).toContain(left);
  report(`even 16-ticket listing: ${counts[201]} orders of 2 or 4, ${counts[409] ?? 0} × 409, 10 odd × 400, ${left} left`);
});

test('an all listing under a race: exactly one buyer gets everything, every other 409', async () => {
  const listing = await seedListing(orders.db.pool, { seats: seatsOf(6), split: 'all' });
  const attempts = await rush(orders.url, buyers(listing.id, [...Array(30).fill(6), ...Array(10).fill(3)]));
  expect(statuses(attempts)).toEqual({ 201: 1, 409: 39 });
  expect(await expectDisjointHolds(listing, attempts)).toBe(6);
  expect(attempts.find((a) => a.status === 201)!.quantity).toBe(6);
});

test('listing edits racing orders: each order keeps the price it fixed (total = k × unit price + fee), whatever came after', async () => {
  const listing = await seedListing(orders.db.pool, { quantity: 60, priceCents: 1000 });
  const priceOf = (version: number) => 1000 + version * 7;
  // The seller edits the price again and again (each edit a newer listing.changed applied as the consumer does) while
  // the buyers' requests are in flight; edits and orders queue on the same listing row. Three waves of 10 buyers with
  // an edit between them, so the orders certainly fixed more than one price.
  let version = 0;
  const edit = async () => {
    version += 1;
    const v = version;
    await withTransaction(orders.db.pool, (tx) => applyListingChanged(tx, { ...listing, version: v, priceCents: priceOf(v) }));
  };
  let inFlight = true;
  const editing = (async () => {
    while (inFlight) {
      await edit();
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const attempts: Attempt[] = [];
  try {
    for (let wave = 0; wave < 3; wave++) {
      attempts.push(...(await rush(orders.url, buyers(listing.id, shuffled(Array.from({ length: 10 }, (_, i) => 1 + (i % 2)))))));
      await edit();
    }
  } finally {
    inFlight = false;
    await editing;
  }

  expect(statuses(attempts)).toEqual({ 201: 30 });
  const seen = new Set<number>();
  for (const a of attempts) {
    const unitCents = Math.round((a.body.unitPrice as number) * 100);
    expect((unitCents - 1000) % 7).toBe(0);
    seen.add(unitCents);
    const fixed = priceOrder(unitCents, a.quantity, DEFAULT_ORDER_RULES.fees);
    expect({ buyerFee: a.body.buyerFee, total: a.body.total }).toEqual({ buyerFee: fixed.buyerFeeCents / 100, total: fixed.totalCents / 100 });
  }
  expect(seen.size).toBeGreaterThanOrEqual(3);
  // After every edit landed, the stored orders (and their events) still carry the prices they fixed.
  const { rows } = await orders.db.pool.query(
    `SELECT o.id, o.quantity, o.unit_price_cents, o.buyer_fee_cents, o.total_cents, (x.payload->>'totalCents')::int AS published_total
     FROM orders o JOIN outbox x ON x.payload->>'id' = o.id::text AND x.subject = 'order.created' WHERE o.listing_id = $1`,
    [listing.id],
  );
  expect(rows).toHaveLength(30);
  for (const r of rows) {
    const answered = attempts.find((a) => a.body.id === r.id)!;
    expect(r.unit_price_cents).toBe(Math.round((answered.body.unitPrice as number) * 100));
    expect(r.total_cents).toBe(r.quantity * r.unit_price_cents + r.buyer_fee_cents);
    expect(r.published_total).toBe(r.total_cents);
  }
  const { rows: replica } = await orders.db.pool.query('SELECT price_cents, version FROM listings WHERE id = $1', [listing.id]);
  expect(replica[0]).toEqual({ price_cents: priceOf(version), version });
  report(`${version} edits racing 30 orders: the orders fixed ${seen.size} different prices`);
});

test('the per-ticket unique index is the final arbiter: two inserts of one ticket that skip the listing lock cannot both commit', async () => {
  const listing = await seedListing(orders.db.pool, { seats: seatsOf(2) });
  const ticket = { id: listing.tickets[0]!.id, seat: 'F1', position: 0 };
  const newOrder = (): NewOrder => ({
    id: randomUUID(), userId: randomUUID(), listingId: listing.id, eventId: listing.eventId, sellerId: listing.sellerId, section: listing.section,
    row: listing.row, quantity: 1, unitPriceCents: 2500, buyerFeeCents: 250, sellerFeeCents: 125, totalCents: 2750, holdSeconds: 900, tickets: [ticket],
  });
  const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => withTransaction(orders.db.pool, (tx) => insertOrder(tx, newOrder()))));
  expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  for (const o of outcomes.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
    expect(isPgError(o.reason, PG_UNIQUE_VIOLATION, ONE_ACTIVE_ORDER_PER_TICKET)).toBe(true);
  }
});
