import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { withTransaction, type CancellationReason } from '@ticketing/common';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import { ledgerBalances, ledgerEntriesOfOrder, type LedgerEntry } from '../src/data/ledger.data';
import { findLatestAttempt } from '../src/data/payment-attempts.data';
import type { ReplicaOrder } from '../src/data/orders.data';
import { applyOrderCancelled, applyOrderCompleted } from '../src/domain/paid-orders';
import { refundRejectedPayment, retryDueRefunds, type RefundDeps } from '../src/domain/refunds';
import { TestGateway } from '../src/gateways/test-gateway';
import { count, createPaymentsTestDatabase, ObservedGateway, paymentsTestApp, seedOrder, silentLogger } from './support/payments-test-kit';

// The double-entry ledger (migration 0007): each money movement is one transaction whose lines sum to zero, posted in
// the database transaction of the change itself; the database refuses edits, deletions and unbalanced transactions.

let db: TestDatabase;
let gateway: ObservedGateway;
let deps: RefundDeps;

beforeAll(async () => {
  db = await createPaymentsTestDatabase();
  gateway = new ObservedGateway(new TestGateway(db.pool));
  deps = { pool: db.pool, gateway, logger: silentLogger, retrierGraceMs: 0 };
});
afterAll(async () => {
  await db.drop();
});

interface Paid {
  order: ReplicaOrder;
  paymentId: string;
}

async function pay(over: Partial<ReplicaOrder> = {}, token = 'tok_visa'): Promise<{ order: ReplicaOrder; status: number; paymentId: string }> {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id, ...over });
  const res = await request(paymentsTestApp(db.pool, gateway)).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token });
  return { order, status: res.status, paymentId: res.body.id };
}

async function paid(over: Partial<ReplicaOrder> = {}): Promise<Paid> {
  const r = await pay(over);
  expect(r.status).toBe(201);
  return r;
}

const tickets = [randomUUID()];
const complete = (p: Paid) =>
  withTransaction(db.pool, (tx) => applyOrderCompleted(tx, { id: p.order.id, version: 1, listingId: p.order.listingId, ticketIds: tickets, paymentId: p.paymentId }, silentLogger));
const cancel = (p: Paid, reason: CancellationReason, version = 2) =>
  withTransaction(db.pool, (tx) => applyOrderCancelled(deps, tx, { id: p.order.id, version, listingId: p.order.listingId, ticketIds: tickets, reason }, { logger: silentLogger }));
const reject = (p: Paid) => withTransaction(db.pool, (tx) => refundRejectedPayment(deps, tx, { orderId: p.order.id, paymentId: p.paymentId }, { logger: silentLogger }));

const share = (o: ReplicaOrder) => o.quantity * o.unitPriceCents - o.sellerFeeCents;
const payable = (o: ReplicaOrder) => `seller_payable:${o.sellerId}`;

/** The lines of one kind of transaction of the order, as {account: amount}; fails unless there is exactly one. */
function posting(entries: LedgerEntry[], kind: LedgerEntry['kind']): Record<string, number> {
  const ofKind = entries.filter((e) => e.kind === kind);
  expect(new Set(ofKind.map((e) => e.transactionId)).size).toBe(1);
  return Object.fromEntries(ofKind.map((e) => [e.account, e.amountCents]));
}

function netByAccount(entries: LedgerEntry[]): Record<string, number> {
  const net: Record<string, number> = {};
  for (const e of entries) net[e.account] = (net[e.account] ?? 0) + e.amountCents;
  return Object.fromEntries(Object.entries(net).filter(([, v]) => v !== 0));
}

test('a charge posts one balanced transaction: cash in = total against buyer fee, seller fee and the seller share', async () => {
  const p = await paid({ quantity: 3, unitPriceCents: 1999 });
  const entries = await ledgerEntriesOfOrder(db.pool, p.order.id);
  expect(entries.every((e) => e.kind === 'charge' && e.paymentId === p.paymentId)).toBe(true);
  expect(posting(entries, 'charge')).toEqual({
    buyer_funds: 6597,
    'platform_fees:buyer': -600,
    'platform_fees:seller': -300,
    [payable(p.order)]: -5697,
  });
  expect(share(p.order) + p.order.buyerFeeCents + p.order.sellerFeeCents).toBe(p.order.totalCents);
});

test('a declined card and a rejected token post nothing', async () => {
  const declined = await pay({}, 'tok_chargeDeclined');
  const unknown = await pay({}, 'tok_nonsense');
  expect([declined.status, unknown.status]).toEqual([402, 400]);
  expect(await ledgerEntriesOfOrder(db.pool, declined.order.id)).toEqual([]);
  expect(await ledgerEntriesOfOrder(db.pool, unknown.order.id)).toEqual([]);
});

test.each(['not_delivered', 'event_cancelled'] as const)(
  'a complete order cancelled (%s): the sale reversed with the payout cancelled, then the total paid back; the order nets to zero',
  async (reason) => {
    const p = await paid({ quantity: 2, unitPriceCents: 4000 });
    await complete(p);
    expect(await cancel(p, reason)).toBe('refunded');
    const entries = await ledgerEntriesOfOrder(db.pool, p.order.id);
    expect(new Set(entries.map((e) => e.transactionId)).size).toBe(3);
    expect(posting(entries, 'refund_owed')).toEqual({ 'platform_fees:buyer': 800, 'platform_fees:seller': 400, [payable(p.order)]: 7600, refunds: -8800 });
    expect(posting(entries, 'refund')).toEqual({ refunds: 8800, buyer_funds: -8800 });
    expect(netByAccount(entries)).toEqual({});
    // The payable went back in the transaction that cancelled the payout (the same now()).
    const { rows } = await db.pool.query(
      `SELECT t.created_at = p.cancelled_at AS together FROM ledger_transactions t JOIN payouts p ON p.order_id = t.order_id
        WHERE t.order_id = $1 AND t.kind = 'refund_owed'`,
      [p.order.id],
    );
    expect(rows).toEqual([{ together: true }]);
    // A redelivered cancellation posts nothing more.
    expect(await cancel(p, reason)).toBe('stale');
    expect(await ledgerEntriesOfOrder(db.pool, p.order.id)).toHaveLength(entries.length);
  },
);

test('a payment rejected before its order completed: the same accounts reversed, then paid back; a repeat posts nothing', async () => {
  const p = await paid();
  expect(await reject(p)).toBe('refunded');
  expect(await reject(p)).toBe('already-refunded');
  const entries = await ledgerEntriesOfOrder(db.pool, p.order.id);
  expect(new Set(entries.map((e) => e.transactionId)).size).toBe(3);
  expect(posting(entries, 'refund')).toEqual({ refunds: 2200, buyer_funds: -2200 });
  expect(posting(entries, 'refund_owed')).toEqual({ 'platform_fees:buyer': 200, 'platform_fees:seller': 100, [payable(p.order)]: 1900, refunds: -2200 });
  expect(netByAccount(entries)).toEqual({});
});

test('the provider down: the refund is owed (refunds account) until the retrier pays it back, once', async () => {
  const p = await paid();
  await complete(p);
  gateway.refundFailures = 1;
  expect(await cancel(p, 'not_delivered')).toBe('refund-pending');
  let entries = await ledgerEntriesOfOrder(db.pool, p.order.id);
  expect(netByAccount(entries)).toEqual({ buyer_funds: 2200, refunds: -2200 });
  await db.pool.query("UPDATE refunds SET next_attempt_at = now() WHERE order_id = $1", [p.order.id]);
  expect((await retryDueRefunds(deps)).refunded).toBe(1);
  entries = await ledgerEntriesOfOrder(db.pool, p.order.id);
  expect(netByAccount(entries)).toEqual({});
  expect(entries.filter((e) => e.kind === 'refund')).toHaveLength(2);
});

test('a failed posting rolls the charge record back: no payment, no event, the attempt left pending for the reconciler', async () => {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id });
  await db.pool.query(`CREATE FUNCTION refuse_ledger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'ledger refuses'; END $$;
    CREATE TRIGGER refuse_ledger BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_ledger();`);
  try {
    const res = await request(paymentsTestApp(db.pool, gateway)).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token: 'tok_visa' });
    expect(res.status).toBe(500);
  } finally {
    await db.pool.query('DROP TRIGGER refuse_ledger ON ledger_entries; DROP FUNCTION refuse_ledger');
  }
  expect(await count(db.pool, 'SELECT 1 FROM payments WHERE order_id = $1', [order.id])).toBe(0);
  expect(await count(db.pool, 'SELECT 1 FROM ledger_transactions WHERE order_id = $1', [order.id])).toBe(0);
  expect(await count(db.pool, "SELECT 1 FROM outbox WHERE subject = 'payment.created' AND payload->>'orderId' = $1", [order.id])).toBe(0);
  expect((await findLatestAttempt(db.pool, order.id))?.status).toBe('pending');
});

test('the ledger is append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
  const p = await paid();
  const refused = /the ledger is append-only/;
  await expect(db.pool.query('UPDATE ledger_entries SET amount_cents = amount_cents * 2 WHERE transaction_id IN (SELECT id FROM ledger_transactions WHERE order_id = $1)', [p.order.id])).rejects.toThrow(refused);
  await expect(db.pool.query('DELETE FROM ledger_entries WHERE transaction_id IN (SELECT id FROM ledger_transactions WHERE order_id = $1)', [p.order.id])).rejects.toThrow(refused);
  await expect(db.pool.query("UPDATE ledger_transactions SET kind = 'refund' WHERE order_id = $1", [p.order.id])).rejects.toThrow(refused);
  await expect(db.pool.query('DELETE FROM ledger_transactions WHERE order_id = $1', [p.order.id])).rejects.toThrow(refused);
  await expect(db.pool.query('TRUNCATE ledger_entries, ledger_transactions')).rejects.toThrow(refused);
  expect(await ledgerEntriesOfOrder(db.pool, p.order.id)).toHaveLength(4);
});

test('an unbalanced transaction, or one without lines, is refused at commit (and a second charge posting at once)', async () => {
  const p = await paid();
  const attempt = async (sql: string, params: unknown[]) => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(sql, params);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
  const tx = randomUUID();
  await expect(
    attempt(
      `INSERT INTO ledger_transactions (id, kind, order_id) VALUES ($1, 'payout', $2);
       INSERT INTO ledger_entries (transaction_id, line, account, amount_cents) VALUES ($1, 1, 'seller_paid:' || $3, 100), ($1, 2, 'buyer_funds', -99)`.replace(/\$3/, `'${p.order.sellerId}'`),
      [],
    ).catch((e) => { throw e; }),
  ).rejects.toThrow();
  // Parameters cannot span statements: the same with literals.
  await expect(
    attempt(
      `WITH t AS (INSERT INTO ledger_transactions (id, kind, order_id) VALUES ($1, 'payout', $2) RETURNING id)
       INSERT INTO ledger_entries (transaction_id, line, account, amount_cents)
       SELECT id, l, a, c FROM t, (VALUES (1, 'seller_paid:${p.order.sellerId}', 100), (2, 'buyer_funds', -99)) v(l, a, c)`,
      [tx, p.order.id],
    ),
  ).rejects.toThrow(/does not balance: 2 lines summing to 1 cents/);
  await expect(attempt(`INSERT INTO ledger_transactions (id, kind, order_id) VALUES ($1, 'payout', $2)`, [randomUUID(), p.order.id])).rejects.toThrow(
    /does not balance: 0 lines/,
  );
  await expect(attempt('SELECT ledger_post_charge($1, $2)', [randomUUID(), p.paymentId])).rejects.toThrow(/ledger_one_charge_per_payment/);
  expect(await count(db.pool, "SELECT 1 FROM ledger_transactions WHERE order_id = $1 AND kind = 'payout'", [p.order.id])).toBe(0);
});

test('balances after a mixed sequence equal the sums of what was charged, kept and paid back', async () => {
  const before = await ledgerBalances(db.pool);
  const seller = randomUUID();
  const kept = [await paid({ sellerId: seller, quantity: 3, unitPriceCents: 1999 }), await paid({ sellerId: seller, quantity: 1, unitPriceCents: 5000 })];
  for (const p of kept) await complete(p);
  const declined = await pay({ sellerId: seller }, 'tok_chargeDeclinedInsufficientFunds');
  expect(declined.status).toBe(402);
  const late = await paid({ sellerId: seller, quantity: 2, unitPriceCents: 1250 }); // orders cancelled it first: rejected
  await reject(late);
  const notDelivered = await paid({ sellerId: seller, quantity: 4, unitPriceCents: 999 });
  await complete(notDelivered);
  await cancel(notDelivered, 'not_delivered');
  const eventCancelled = await paid({ sellerId: seller, quantity: 2, unitPriceCents: 3333 });
  await complete(eventCancelled);
  await cancel(eventCancelled, 'event_cancelled');

  const after = await ledgerBalances(db.pool);
  const delta = (account: string) => (after[account] ?? 0) - (before[account] ?? 0);
  const sum = (f: (o: ReplicaOrder) => number) => kept.reduce((s, p) => s + f(p.order), 0);
  expect(delta('buyer_funds')).toBe(sum((o) => o.totalCents));
  expect(delta('platform_fees:buyer')).toBe(-sum((o) => o.buyerFeeCents));
  expect(delta('platform_fees:seller')).toBe(-sum((o) => o.sellerFeeCents));
  expect(after[`seller_payable:${seller}`]).toBe(-sum(share));
  expect(sum(share)).toBe(5697 + 4750);
  expect(delta('refunds')).toBe(0);
  // The books as a whole: every account together sums to zero.
  expect(Object.values(after).reduce((s, v) => s + v, 0)).toBe(0);
});
