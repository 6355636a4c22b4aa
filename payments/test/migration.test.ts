import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { COMMON_MIGRATIONS, LEGACY_EVENT_ID, runMigrations } from '@ticketing/common';
import { createTestDatabase, signedInUser, type TestDatabase } from '@ticketing/common/testing';
import { findOrder, insertOrder } from '../src/data/orders.data';
import { TestGateway } from '../src/gateways/test-gateway';
import { PAYMENTS_MIGRATIONS } from '../src/migrations';
import { paymentsTestApp } from './support/payments-test-kit';

// A database as the previous version left it (common + payments 0001–0003, with one-ticket orders in every state and a
// payment taken), then the current list applied on top, as a deployment's start-up does.

const OLD_MIGRATIONS = ['0001_orders_replica.sql', '0002_payments.sql', '0003_test_gateway.sql'];

let db: TestDatabase;
let oldDir: string;
beforeAll(async () => {
  oldDir = await mkdtemp(path.join(tmpdir(), 'payments-0003-'));
  for (const file of OLD_MIGRATIONS) await copyFile(path.join(__dirname, '../migrations', file), path.join(oldDir, file));
  db = await createTestDatabase([COMMON_MIGRATIONS, { dir: oldDir }], 'payments_migration');
});
afterAll(async () => {
  await db.drop();
  await rm(oldDir, { recursive: true, force: true });
});

const buyer = signedInUser();
const tickets = { open: randomUUID(), paid: randomUUID(), lapsed: randomUUID() };
const orders = { open: randomUUID(), paid: randomUUID(), lapsed: randomUUID() };

async function fillThroughOldSchema(): Promise<void> {
  const insert = (id: string, ticketId: string, cents: number, status: string, version: number) =>
    db.pool.query(
      `INSERT INTO orders (id, version, user_id, ticket_id, price_cents, status, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + interval '10 minutes')`,
      [id, version, buyer.id, ticketId, cents, status],
    );
  await insert(orders.open, tickets.open, 2500, 'created', 0);
  await insert(orders.paid, tickets.paid, 1999, 'complete', 1);
  await insert(orders.lapsed, tickets.lapsed, 4000, 'cancelled', 1);
  const attemptId = randomUUID();
  await db.pool.query(
    `INSERT INTO payment_attempts (id, order_id, attempt_no, idempotency_key, amount_cents, currency, token, status, provider_id)
     VALUES ($1, $2, 1, $3, 1999, 'usd', 'tok_visa', 'succeeded', 'pi_test_old')`,
    [attemptId, orders.paid, orders.paid],
  );
  // Before 0006 a token the provider rejected left its attempt 'failed'.
  await db.pool.query(
    `INSERT INTO payment_attempts (id, order_id, attempt_no, idempotency_key, amount_cents, currency, token, status, failure_message)
     VALUES ($1, $2, 1, $3, 2500, 'usd', 'tok_lost', 'failed', 'No such token: ''tok_lost''')`,
    [randomUUID(), orders.open, orders.open],
  );
  await db.pool.query(
    `INSERT INTO payments (id, order_id, attempt_id, amount_cents, currency, provider_id) VALUES ($1, $2, $3, 1999, 'usd', 'pi_test_old')`,
    [randomUUID(), orders.paid, attemptId],
  );
}

test('old one-ticket orders become orders of one: listing = ticket, the legacy event, unit = total = price, no fees; payments kept', async () => {
  await fillThroughOldSchema();
  const applied = await runMigrations(db.pool, PAYMENTS_MIGRATIONS);
  expect(applied).toEqual(['0004_orders_of_k.sql', '0005_payouts.sql', '0006_payment_attempt_limits.sql', '0007_ledger.sql']);

  const migrated = (id: string, ticketId: string, cents: number, status: string, version: number) => ({
    id,
    version,
    userId: buyer.id,
    listingId: ticketId,
    eventId: LEGACY_EVENT_ID,
    sellerId: null,
    quantity: 1,
    unitPriceCents: cents,
    buyerFeeCents: 0,
    sellerFeeCents: 0,
    totalCents: cents,
    status,
    expiresAt: expect.any(Date),
  });
  expect(await findOrder(db.pool, orders.open)).toEqual(migrated(orders.open, tickets.open, 2500, 'created', 0));
  expect(await findOrder(db.pool, orders.paid)).toEqual(migrated(orders.paid, tickets.paid, 1999, 'complete', 1));
  expect(await findOrder(db.pool, orders.lapsed)).toEqual(migrated(orders.lapsed, tickets.lapsed, 4000, 'cancelled', 1));
  // The ticket an old order named stays on its row; price_cents is gone (total_cents replaces it).
  const { rows } = await db.pool.query('SELECT ticket_id FROM orders WHERE id = $1', [orders.open]);
  expect(rows).toEqual([{ ticket_id: tickets.open }]);
  const columns = await db.pool.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'price_cents'");
  expect(columns.rowCount).toBe(0);
  expect((await db.pool.query('SELECT order_id, amount_cents FROM payments')).rows).toEqual([{ order_id: orders.paid, amount_cents: 1999 }]);
  // 0006: a rejected token's attempt is named for what it is (and counts toward no attempt limit).
  expect((await db.pool.query('SELECT order_id, status FROM payment_attempts ORDER BY status')).rows).toEqual([
    { order_id: orders.open, status: 'invalid_token' },
    { order_id: orders.paid, status: 'succeeded' },
  ]);
  // 0005: the order already paid owes its seller (unknown before listings) its price, no fee; no other order owes anything.
  expect((await db.pool.query('SELECT order_id, seller_id, amount_cents, fee_cents, status, cancelled_at FROM payouts')).rows).toEqual([
    { order_id: orders.paid, seller_id: null, amount_cents: 1999, fee_cents: 0, status: 'pending', cancelled_at: null },
  ]);
});

test('after the migration: an old open order is paid at its price, an old paid one is refused, a new order of k is stored', async () => {
  const app = paymentsTestApp(db.pool, new TestGateway(db.pool));
  const open = await request(app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: orders.open, token: 'tok_visa' });
  expect(open.status).toBe(201);
  expect(open.body.amount).toBe(25);
  const paid = await request(app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: orders.paid, token: 'tok_visa' });
  expect(paid.status).toBe(409);

  const fresh = {
    id: randomUUID(), version: 0, userId: buyer.id, listingId: randomUUID(), eventId: randomUUID(), sellerId: randomUUID(),
    quantity: 2, unitPriceCents: 1005, buyerFeeCents: 201, sellerFeeCents: 101, totalCents: 2211,
    status: 'created' as const, expiresAt: new Date(Date.now() + 60_000),
  };
  expect(await insertOrder(db.pool, fresh)).toBe(true);
  expect(await findOrder(db.pool, fresh.id)).toEqual(fresh);
  const { rows } = await db.pool.query('SELECT ticket_id FROM orders WHERE id = $1', [fresh.id]);
  expect(rows).toEqual([{ ticket_id: null }]);
});

test('the replica refuses an order whose total does not add up (k × unit + buyer fee), so it can never be charged', async () => {
  const wrong = {
    id: randomUUID(), version: 0, userId: buyer.id, listingId: randomUUID(), eventId: randomUUID(), sellerId: randomUUID(),
    quantity: 2, unitPriceCents: 1000, buyerFeeCents: 200, sellerFeeCents: 100, totalCents: 2000,
    status: 'created' as const, expiresAt: new Date(Date.now() + 60_000),
  };
  await expect(insertOrder(db.pool, wrong)).rejects.toThrow(/orders_total_adds_up/);
});
