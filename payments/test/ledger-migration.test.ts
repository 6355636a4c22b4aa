import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMON_MIGRATIONS, runMigrations } from '@ticketing/common';
import { createTestDatabase, type TestDatabase } from '@ticketing/common/testing';
import { ledgerBalances, ledgerEntriesOfOrder } from '../src/data/ledger.data';
import { PAYMENTS_MIGRATIONS } from '../src/migrations';

// A database left by the previous version (payments 0001–0006: payments and refunds, no ledger), then 0007 applied as a
// deployment's start-up does: the back-fill posts every payment and refund so the balances are right from day one.

let db: TestDatabase;
let oldDir: string;
beforeAll(async () => {
  oldDir = await mkdtemp(path.join(tmpdir(), 'payments-0006-'));
  const dir = path.join(__dirname, '../migrations');
  for (const file of (await readdir(dir)).filter((f) => f < '0007')) await copyFile(path.join(dir, file), path.join(oldDir, file));
  db = await createTestDatabase([COMMON_MIGRATIONS, { dir: oldDir }], 'payments_ledger_migration');
});
afterAll(async () => {
  await db.drop();
  await rm(oldDir, { recursive: true, force: true });
});

const seller = randomUUID();

/** An order of the old schema, with its charge when paid and its refund (pending or paid back) when refunded. */
async function oldOrder(o: { quantity: number; unit: number; buyerFee: number; sellerFee: number; status: string; sellerId?: string | null; refund?: 'pending' | 'succeeded' }) {
  const id = randomUUID();
  const total = o.quantity * o.unit + o.buyerFee;
  await db.pool.query(
    `INSERT INTO orders (id, version, user_id, listing_id, event_id, seller_id, quantity, unit_price_cents, buyer_fee_cents, seller_fee_cents, total_cents, status, expires_at)
     VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())`,
    [id, randomUUID(), randomUUID(), randomUUID(), o.sellerId === undefined ? seller : o.sellerId, o.quantity, o.unit, o.buyerFee, o.sellerFee, total, o.status],
  );
  const attemptId = randomUUID();
  const paymentId = randomUUID();
  await db.pool.query(
    `INSERT INTO payment_attempts (id, order_id, attempt_no, idempotency_key, amount_cents, currency, token, status, provider_id)
     VALUES ($1, $2, 1, $5, $3, 'usd', 'tok_visa', 'succeeded', $4)`,
    [attemptId, id, total, `pi_${id}`, id],
  );
  await db.pool.query(
    `INSERT INTO payments (id, order_id, attempt_id, amount_cents, currency, provider_id, status, refunded_at)
     VALUES ($1, $2, $3, $4, 'usd', $5, $6, $7)`,
    [paymentId, id, attemptId, total, `pi_${id}`, o.refund === 'succeeded' ? 'refunded' : 'succeeded', o.refund === 'succeeded' ? new Date() : null],
  );
  if (o.refund) {
    await db.pool.query(
      `INSERT INTO refunds (id, payment_id, order_id, amount_cents, idempotency_key, status, refunded_at)
       VALUES ($1, $2, $3, $4, $6, $5, $7)`,
      [randomUUID(), paymentId, id, total, o.refund, paymentId, o.refund === 'succeeded' ? new Date() : null],
    );
  }
  return { id, total };
}

test('0007 back-fills the postings of existing payments and refunds; balances equal the sums', async () => {
  const kept = await oldOrder({ quantity: 3, unit: 1999, buyerFee: 600, sellerFee: 300, status: 'complete' });
  const refunded = await oldOrder({ quantity: 2, unit: 4000, buyerFee: 800, sellerFee: 400, status: 'cancelled', refund: 'succeeded' });
  const owed = await oldOrder({ quantity: 1, unit: 1000, buyerFee: 100, sellerFee: 50, status: 'cancelled', refund: 'pending' });
  const legacy = await oldOrder({ quantity: 1, unit: 2500, buyerFee: 0, sellerFee: 0, status: 'complete', sellerId: null });

  expect(await runMigrations(db.pool, PAYMENTS_MIGRATIONS)).toEqual(['0007_ledger.sql']);

  expect(await ledgerBalances(db.pool)).toEqual({
    buyer_funds: kept.total + owed.total + legacy.total,
    'platform_fees:buyer': -600,
    'platform_fees:seller': -300,
    [`seller_payable:${seller}`]: -5697,
    'seller_payable:unknown': -2500,
    refunds: -owed.total,
  });
  const kinds = async (orderId: string) => (await ledgerEntriesOfOrder(db.pool, orderId)).map((e) => e.kind).filter((k, i, all) => all.indexOf(k) === i).sort();
  expect(await kinds(kept.id)).toEqual(['charge']);
  expect(await kinds(refunded.id)).toEqual(['charge', 'refund', 'refund_owed']);
  expect(await kinds(owed.id)).toEqual(['charge', 'refund_owed']);
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_transactions');
  expect(rows[0]!.n).toBe(7);
  // Applied again (the next start-up): nothing more.
  expect(await runMigrations(db.pool, PAYMENTS_MIGRATIONS)).toEqual([]);
});
