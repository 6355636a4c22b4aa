// Issue 18, "cancelling an event with 300 paid orders while payments for it are still arriving: every order refunded
// exactly once, no payout made" (design invariant 8), with real processes: auth, catalog, tickets, orders and payments
// (built-in test gateway), isolated (own databases, bus namespace). Sellers list 50 listings of 12 seats; 40 buyers
// place and pay 300 orders (tok_visa), one at a time each (MAX_HELD_TICKETS_PER_BUYER, attempt limits per buyer), in
// parallel across buyers. Then 60 more orders are held, their payments fired while the admin cancels the event, and
// 20 holds are left unpaid. After quiet: every order cancelled (event_cancelled), every succeeded charge refunded
// exactly once for the order's total (late ones through order.payment_rejected), every payout cancelled, every
// listing and ticket withdrawn.
import { startPlatform, type PlatformProcess } from '../support/platform-runner';
import { ApiUser, type Listing, type Order } from './support/hold-expiry';
import { payOnceKnown, queryServiceDatabase } from './support/delivery-deadline';
import { auditCancelledEvent, inParallel, until, type CancellationAudit } from './support/event-cancelled';

const LISTINGS = 50;
const SEATS = Array.from({ length: 12 }, (_, i) => `S${i + 1}`);
const BUYERS = 40;
const PAID = 300;
const IN_FLIGHT = 60;
const UNPAID = 20;
const PRICE = 25;
const CONCURRENCY = 16;
const ADMIN_EMAIL = 'cancel-admin@example.test';

let platform: PlatformProcess;

beforeAll(async () => {
  platform = await startPlatform({
    only: ['auth', 'catalog', 'tickets', 'orders', 'payments'],
    env: { ADMIN_EMAILS: ADMIN_EMAIL, PAYMENTS_SWEEP_INTERVAL_SECONDS: '1' },
    startTimeoutMs: 150_000,
  });
}, 180_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

const db = () => platform.databases as Record<string, string>;
const count = async (service: string, sql: string, params: unknown[]) => (await queryServiceDatabase<{ n: number }>(db()[service]!, sql, params))[0]!.n;

/** Order i: listing i mod 50, one or two seats, so every listing keeps seats free for the in-flight orders. */
async function placeOrder(buyer: ApiUser, listing: Listing, quantity: number): Promise<Order> {
  const res = await buyer.placeOrderOnceKnown(listing.id, quantity);
  if (res.status !== 201) throw new Error(`POST /api/orders answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

test('cancelling an event with 300 paid orders while payments arrive: everyone refunded exactly once, no payout, the market closed', async () => {
  const t0 = Date.now();
  const admin = await ApiUser.signUp(platform.url, 'admin', ADMIN_EMAIL);
  const eventId = await admin.scheduleEvent('Cancelled festival');
  const sellers = await Promise.all([0, 1, 2, 3, 4].map((i) => ApiUser.signUp(platform.url, `seller${i}`)));
  const buyers = await inParallel(Array.from({ length: BUYERS }, (_, i) => i), 8, (i) => ApiUser.signUp(platform.url, `buyer${i}`));
  const listings = await inParallel(Array.from({ length: LISTINGS }, (_, i) => i), 8, (i) => sellers[i % sellers.length]!.listSeats(eventId, SEATS, PRICE));

  // 300 paid orders: each buyer orders and pays one at a time; buyers run in parallel.
  const paidOrders: Order[] = [];
  await inParallel(buyers, CONCURRENCY, async (buyer, b) => {
    for (let i = b; i < PAID; i += BUYERS) {
      const order = await placeOrder(buyer, listings[i % LISTINGS]!, 1 + (Math.floor(i / LISTINGS) % 2));
      const paid = await payOnceKnown(buyer, order.id);
      if (paid.status !== 201 || paid.body.amount !== order.total) throw new Error(`payment of ${order.id}: ${paid.status} ${JSON.stringify(paid.body)}`);
      paidOrders.push(order);
    }
  });
  await until('300 orders complete with their payouts due', async () => {
    const complete = await count('orders', `SELECT count(*)::int AS n FROM orders WHERE event_id = $1 AND status = 'complete'`, [eventId]);
    const payouts = await count('payments', `SELECT count(*)::int AS n FROM payouts WHERE order_id = ANY($1::uuid[]) AND status = 'pending'`, [paidOrders.map((o) => o.id)]);
    return complete === PAID && payouts === PAID ? true : undefined;
  }, 30_000);
  const sold = Date.now();

  // 80 more holds; payments learns them before the race starts (else a POST would only wait for the replica).
  const held = await inParallel(Array.from({ length: IN_FLIGHT + UNPAID }, (_, i) => i), CONCURRENCY, (i) =>
    placeOrder(buyers[i % BUYERS]!, listings[i % LISTINGS]!, 1).then((order) => ({ order, buyer: buyers[i % BUYERS]! })),
  );
  await until('payments to know the holds', async () => {
    const n = await count('payments', `SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[])`, [held.map((h) => h.order.id)]);
    return n === held.length ? true : undefined;
  }, 15_000);

  // The race: 60 payments go out; once the first 10 have answered, the admin cancels the event.
  let answered = 0;
  let cancelledAt = 0;
  let releaseCancel!: () => void;
  const tenAnswered = new Promise<void>((resolve) => (releaseCancel = resolve));
  const cancelling = tenAnswered.then(async () => {
    cancelledAt = Date.now();
    const res = await admin.request<{ status: string }>('POST', `/api/events/${eventId}/cancel`);
    expect({ status: res.status, event: res.body.status }).toEqual({ status: 200, event: 'cancelled' });
  });
  const racing = await inParallel(held.slice(0, IN_FLIGHT), 12, async ({ order, buyer }) => {
    const res = await buyer.request<{ amount: number }>('POST', '/api/payments', { orderId: order.id, token: 'tok_visa' });
    if (++answered === 10) releaseCancel();
    return res.status;
  });
  await cancelling;
  const answers: Record<number, number> = {};
  for (const status of racing) answers[status] = (answers[status] ?? 0) + 1;
  expect(Object.keys(answers).filter((s) => s !== '201' && s !== '409')).toEqual([]);

  // Quiet: every order cancelled, every charge refunded once, every payout cancelled, the market closed.
  let audit!: CancellationAudit;
  await until('the cancellation to settle', async () => {
    audit = await auditCancelledEvent(db(), eventId);
    const settled =
      audit.orders.byStatusAndReason['cancelled/event_cancelled'] === PAID + IN_FLIGHT + UNPAID &&
      audit.chargesNotRefundedOnce.length === 0 &&
      audit.gatewayChargesWithoutOneRefund === 0 &&
      !audit.payouts.pending &&
      Object.keys(audit.listings).join() === 'withdrawn' &&
      Object.keys(audit.tickets).join() === 'withdrawn';
    return settled ? true : undefined;
  }, 60_000, 250).catch((err: Error) => {
    throw new Error(`${err.message}; last audit: ${JSON.stringify(audit)}`);
  });
  const settledAt = Date.now();

  expect(audit.orders).toEqual({ total: PAID + IN_FLIGHT + UNPAID, byStatusAndReason: { 'cancelled/event_cancelled': PAID + IN_FLIGHT + UNPAID }, paidBeforeCancel: expect.any(Number) });
  // Every payment POST that answered 201 is a charge, and nothing else charged.
  expect(audit.charges).toBe(PAID + (answers[201] ?? 0));
  expect(audit.chargesNotRefundedOnce).toEqual([]);
  expect(audit.gatewayChargesWithoutOneRefund).toBe(0);
  // A payout row exists only for orders orders completed; each is cancelled, none paid.
  expect(audit.payouts).toEqual({ cancelled: audit.orders.paidBeforeCancel });
  expect(audit.listings).toEqual({ withdrawn: LISTINGS });
  expect(audit.tickets).toEqual({ withdrawn: LISTINGS * SEATS.length });
  // The books: every ledger transaction balanced, and nothing left owed to the sellers of the cancelled event.
  expect(audit.ledger).toEqual({ unbalancedTransactions: 0, payableLeftCents: 0 });

  // Nothing more happens after quiet: a second look finds the same refunds.
  const again = await auditCancelledEvent(db(), eventId);
  expect(again.charges).toBe(audit.charges);
  expect(again.chargesNotRefundedOnce).toEqual([]);

  // And the market is closed to newcomers.
  const newcomer = await ApiUser.signUp(platform.url, 'newcomer');
  expect((await newcomer.placeOrder(listings[0]!.id, 1)).status).toBe(409);

  process.stdout.write(
    `[event cancelled] setup+300 paid orders ${sold - t0} ms; payment race answers ${JSON.stringify(answers)}; ` +
      `${audit.charges} charges (${audit.rejectedCharges} rejected by orders as late), ${audit.orders.paidBeforeCancel} paid orders cancelled; ` +
      `cancel → settled (every refund succeeded, payouts cancelled, listings withdrawn) ${settledAt - cancelledAt} ms\n`,
  );
}, 150_000);
