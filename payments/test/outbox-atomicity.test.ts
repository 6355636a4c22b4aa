import request from 'supertest';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import { findLatestAttempt } from '../src/data/payment-attempts.data';
import { reconcileAttempt } from '../src/domain/reconcile-attempts';
import { TestGateway } from '../src/gateways/test-gateway';
import { count, createPaymentsTestDatabase, ObservedGateway, outboxEvents, paymentsTestApp, seedOrder, silentLogger } from './support/payments-test-kit';

/**
 * Invariants 4 and 6 together: a stored payment and its payment.created commit together or not at all, or a buyer is
 * charged and orders never hears of it (never completed, never refunded). PostgreSQL itself refuses the event (a
 * trigger on the outbox) or the commit (a deferred constraint trigger), so these fail if the event is written outside
 * the payment's transaction. Either way the charge is not lost: its attempt stays pending, and the reconciler replays
 * it with the same idempotency key (the same charge, not a second one) and stores it with its event.
 */

let db: TestDatabase;
let gateway: ObservedGateway;

beforeAll(async () => {
  db = await createPaymentsTestDatabase();
  gateway = new ObservedGateway(new TestGateway(db.pool));
});
afterAll(async () => {
  await db.drop();
});

async function paidOrderAfterFailure(refusal: { sql: string; undo: string }) {
  const buyer = signedInUser();
  const order = await seedOrder(db.pool, { userId: buyer.id, quantity: 2, unitPriceCents: 2100 });
  await db.pool.query(refusal.sql);
  try {
    const res = await request(paymentsTestApp(db.pool, gateway)).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId: order.id, token: 'tok_visa' });
    expect(res.status).toBe(500);
  } finally {
    await db.pool.query(refusal.undo);
  }
  return order;
}

const paymentsOf = (orderId: string) => count(db.pool, 'SELECT 1 FROM payments WHERE order_id = $1', [orderId]);
const providerChargesFor = (orderId: string) => count(db.pool, "SELECT 1 FROM test_gateway_charges WHERE idempotency_key = $1 AND status = 'succeeded'", [orderId]);
const paymentEventsFor = async (orderId: string) => (await outboxEvents(db.pool, 'payment.created')).filter((e) => e.payload.orderId === orderId);

async function expectChargedButUnstored(orderId: string) {
  expect(await providerChargesFor(orderId)).toBe(1);
  expect(await paymentsOf(orderId)).toBe(0);
  expect(await paymentEventsFor(orderId)).toEqual([]);
  expect((await findLatestAttempt(db.pool, orderId))?.status).toBe('pending');
}

/** The reconciler's replay: the provider answers with the charge it already made; payment and event stored once. */
async function expectReconciledOnce(orderId: string) {
  const attempt = (await findLatestAttempt(db.pool, orderId))!;
  expect(await reconcileAttempt({ pool: db.pool, gateway, logger: silentLogger }, attempt)).toBe('stored');
  expect(await providerChargesFor(orderId)).toBe(1);
  expect(await paymentsOf(orderId)).toBe(1);
  expect(await paymentEventsFor(orderId)).toEqual([{ subject: 'payment.created', payload: expect.objectContaining({ orderId, amountCents: 4620 }) }]);
  expect((await findLatestAttempt(db.pool, orderId))?.status).toBe('succeeded');
}

test('payment.created refused by the outbox: no payment is stored, the attempt stays pending, the reconciler stores it once', async () => {
  const order = await paidOrderAfterFailure({
    sql: `CREATE FUNCTION refuse_payment_created() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox refuses %', NEW.subject; END $$;
          CREATE TRIGGER refuse_payment_created BEFORE INSERT ON outbox FOR EACH ROW WHEN (NEW.subject = 'payment.created')
            EXECUTE FUNCTION refuse_payment_created();`,
    undo: 'DROP TRIGGER refuse_payment_created ON outbox; DROP FUNCTION refuse_payment_created',
  });
  await expectChargedButUnstored(order.id);
  await expectReconciledOnce(order.id);
});

test("the payment's commit refused: no payment.created is left behind, the attempt stays pending, the reconciler stores it once", async () => {
  // A deferred constraint trigger runs at COMMIT: the payment and its event were both written, then the commit fails.
  const order = await paidOrderAfterFailure({
    sql: `CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused'; END $$;
          CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON payments DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION refuse_commit();`,
    undo: 'DROP TRIGGER refuse_commit ON payments; DROP FUNCTION refuse_commit',
  });
  await expectChargedButUnstored(order.id);
  await expectReconciledOnce(order.id);
});
