// Issue 17, "a missed deadline refunds end to end with real processes (expiration and payments included) and no payout
// is ever due for that order": auth, catalog, tickets, orders, payments and expiration run as processes (isolated:
// own databases, bus namespace, Redis prefix), DELIVERY_CUTOFF_HOURS = 90 s and a 1 s delivery sweeper. An admin
// schedules an event whose delivery deadline (startsAt − cutoff) falls 30 s ahead; a seller lists four seats
// delivered `later`; two buyers order and pay with tok_visa. The seller uploads the second buyer's ticket in time and
// never the first's: the first order ends cancelled (not_delivered), refunded in full, its payout cancelled, its
// tickets withdrawn; the second ends delivered and its buyer reads the barcode.
import { randomBytes, randomUUID } from 'node:crypto';
import { startPlatform, type PlatformProcess } from '../support/platform-runner';
import { ApiUser, EventTimeline, sleep, sleepUntil, type Listing } from './support/hold-expiry';
import { listLater, normalisedBarcode, payOnceKnown, queryServiceDatabase, scheduleEventAt, waitForOrder } from './support/delivery-deadline';

const CUTOFF_SECONDS = 90;
/** From the event's creation to its delivery deadline: the sale, the payments and one upload happen in between. */
const SALE_WINDOW_SECONDS = 30;
const PRICE = 40;
const ADMIN_EMAIL = 'deadline-admin@example.test';

let platform: PlatformProcess;
let timeline: EventTimeline;

beforeAll(async () => {
  platform = await startPlatform({
    only: ['auth', 'catalog', 'tickets', 'orders', 'payments', 'expiration'],
    env: {
      ADMIN_EMAILS: ADMIN_EMAIL,
      DELIVERY_CUTOFF_HOURS: String(CUTOFF_SECONDS / 3600),
      DELIVERY_SWEEP_INTERVAL_SECONDS: '1',
      PAYMENTS_SWEEP_INTERVAL_SECONDS: '1',
      ITEM_ENCRYPTION_KEYS: `e2e1:${randomBytes(32).toString('base64')}`,
      ITEM_FINGERPRINT_KEY: randomBytes(32).toString('base64'),
    },
    startTimeoutMs: 170_000,
  });
  timeline = await EventTimeline.watch(platform.busNamespace, ['ORDERS', 'PAYMENTS', 'DELIVERIES']);
}, 180_000);

afterAll(async () => {
  await timeline?.stop();
  await platform?.stop();
}, 60_000);

const paymentsDb = () => platform.databases.payments!;

test('a later listing: the undelivered order is cancelled (not_delivered) and refunded in full with no payout due, its tickets withdrawn; the delivered one reaches its buyer', async () => {
  const [admin, seller, late, served] = await Promise.all([
    ApiUser.signUp(platform.url, 'admin', ADMIN_EMAIL),
    ApiUser.signUp(platform.url, 'seller'),
    ApiUser.signUp(platform.url, 'unserved-buyer'),
    ApiUser.signUp(platform.url, 'served-buyer'),
  ]);
  const startsAt = new Date(Date.now() + (CUTOFF_SECONDS + SALE_WINDOW_SECONDS) * 1000);
  const deadline = startsAt.getTime() - CUTOFF_SECONDS * 1000;
  const eventId = await scheduleEventAt(admin, 'Deadline night', startsAt);
  const listing = await listLater(seller, eventId, ['D1', 'D2', 'D3', 'D4'], PRICE);

  // The first buyer takes a pair, the second one seat; both pay the order's total with a test card.
  const pair = await late.placeOrderOnceKnown(listing.id, 2);
  expect(pair.status).toBe(201);
  const single = await served.placeOrder(listing.id, 1);
  expect(single.status).toBe(201);
  expect(pair.body.total).toBe(88); // 2 × 40.00 + 10 % buyer fee
  for (const [buyer, order] of [[late, pair.body], [served, single.body]] as const) {
    const paid = await payOnceKnown(buyer, order.id);
    expect({ order: order.id, status: paid.status, amount: paid.body.amount }).toEqual({ order: order.id, status: 201, amount: order.total });
  }

  // Tickets schedules each delivery with the deadline the cutoff gives; the seller uploads only the second buyer's.
  const scheduled = await waitForOrder(served, single.body.id, (o) => o.status === 'complete' && o.delivery.deadline !== null);
  expect(Math.abs(Date.parse(scheduled.delivery.deadline!) - deadline)).toBeLessThan(1000);
  const barcode = `DL-${randomUUID().slice(0, 12)}`;
  const ticketId = single.body.tickets[0]!.id;
  const upload = await seller.request<{ id: string; delivered: boolean }>('PUT', `/api/tickets/${ticketId}/item`, { barcode });
  expect({ status: upload.status, delivered: upload.body.delivered }).toEqual({ status: 200, delivered: true });
  expect(Date.now()).toBeLessThan(deadline);

  const delivered = await waitForOrder(served, single.body.id, (o) => o.delivery.status === 'delivered');
  expect(delivered).toMatchObject({ status: 'complete', reason: null, delivery: { status: 'delivered', deliveredAt: expect.any(String) } });
  const item = await served.request<{ barcode: string }>('GET', `/api/tickets/${ticketId}/item?format=json`);
  expect(item.status).toBe(200);
  expect(normalisedBarcode(item.body.barcode)).toBe(normalisedBarcode(barcode));

  // Nobody uploads the pair: past the deadline the sweeper misses it, orders cancels, payments refunds.
  await sleepUntil(deadline);
  const cancelled = await waitForOrder(late, pair.body.id, (o) => o.status === 'cancelled', 30_000);
  expect(cancelled).toMatchObject({ reason: 'not_delivered', delivery: { status: 'pending' } });
  const missedAt = timeline.find('delivery.missed', (p) => p.orderId === pair.body.id)?.storedAt;
  expect(missedAt).toBeGreaterThanOrEqual(deadline);
  const refunded = await timeline.next('payment.refunded', (p) => p.orderId === pair.body.id, 20_000);
  expect(refunded).toBeDefined();

  const refunds = await queryServiceDatabase(paymentsDb(), 'SELECT amount_cents, status FROM refunds WHERE order_id = $1', [pair.body.id]);
  expect(refunds).toEqual([{ amount_cents: 8800, status: 'succeeded' }]);
  const payouts = await queryServiceDatabase(paymentsDb(), 'SELECT order_id, amount_cents, fee_cents, status FROM payouts WHERE order_id = ANY($1::uuid[]) ORDER BY status', [
    [pair.body.id, single.body.id],
  ]);
  // 2 × 40.00 − 5 % = 76.00 cancelled; 40.00 − 2.00 = 38.00 still owed to the seller for the delivered seat.
  expect(payouts).toEqual([
    { order_id: pair.body.id, amount_cents: 7600, fee_cents: 400, status: 'cancelled' },
    { order_id: single.body.id, amount_cents: 3800, fee_cents: 200, status: 'pending' },
  ]);

  // The pair's tickets are withdrawn, never to sell again; an upload for them is now refused.
  const pairIds = new Set(pair.body.tickets.map((t) => t.id));
  let seen: Listing | undefined;
  for (const until = Date.now() + 15_000; Date.now() < until; await sleep(200)) {
    seen = (await seller.getListing(listing.id)).body;
    if (seen.tickets.filter((t) => pairIds.has(t.id)).every((t) => t.status === 'withdrawn')) break;
  }
  expect(seen!.tickets.map((t) => ({ seat: t.seat, status: t.status }))).toEqual([
    { seat: 'D1', status: 'withdrawn' },
    { seat: 'D2', status: 'withdrawn' },
    { seat: 'D3', status: 'sold' },
    { seat: 'D4', status: 'available' },
  ]);
  const lateUpload = await seller.request('PUT', `/api/tickets/${pair.body.tickets[0]!.id}/item`, { barcode: `DL-${randomUUID().slice(0, 12)}` });
  expect(lateUpload.status).toBe(409);
  // Past the cutoff the listing sells nothing more, and only D4 was ever left to sell.
  const again = await ApiUser.signUp(platform.url, 'late-comer');
  const refused = await again.placeOrder(listing.id, 1);
  expect(refused.status).toBe(409);

  // Exactly once: one missed delivery, one cancellation, one refund event; none for the delivered order.
  await sleep(2000);
  expect(timeline.count('delivery.missed', (p) => p.orderId === pair.body.id)).toBe(1);
  expect(timeline.count('order.cancelled', (p) => p.id === pair.body.id)).toBe(1);
  expect(timeline.count('payment.refunded', (p) => p.orderId === pair.body.id)).toBe(1);
  expect(timeline.count('delivery.completed', (p) => p.orderId === pair.body.id)).toBe(0);
  expect(timeline.count('delivery.missed', (p) => p.orderId === single.body.id)).toBe(0);
  expect(timeline.count('payment.refunded', (p) => p.orderId === single.body.id)).toBe(0);
  const after = (subject: string, key: string) => (timeline.find(subject, (p) => p[key] === pair.body.id)?.storedAt ?? NaN) - deadline;
  process.stdout.write(
    `[delivery deadline] after the deadline: delivery.missed +${after('delivery.missed', 'orderId')} ms, order.cancelled ` +
      `+${after('order.cancelled', 'id')} ms, payment.refunded +${after('payment.refunded', 'orderId')} ms (sweeper every 1 s)\n`,
  );
}, 150_000);
