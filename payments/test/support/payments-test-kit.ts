import { randomUUID } from 'node:crypto';
import {
  createLogger,
  ensureStreams,
  priceOrder,
  startConsumers,
  startOutboxRelay,
  type Bus,
  type Consumer,
  type OrderCreatedEvent,
  type Pool,
  type Queryable,
} from '@ticketing/common';
import {
  collectEvents,
  createTestBus,
  createTestDatabase,
  orderCreatedPayload,
  testKeys,
  type EventCollector,
  type OrderCreatedFixture,
  type TestBus,
  type TestDatabase,
} from '@ticketing/common/testing';

export { publishRawEvent } from '@ticketing/common/testing';
import { buildApp } from '../../src/app';
import type { AttemptLimits } from '../../src/domain/attempt-limits';
import { insertOrder, type ReplicaOrder } from '../../src/data/orders.data';
import type { ChargeRequest, PaymentGateway, RefundRequest, TokenShape } from '../../src/gateways/payment-gateway';
import { PAYMENTS_MIGRATIONS } from '../../src/migrations';
import type { RefundDeps } from '../../src/domain/refunds';
import { ordersConsumer } from '../../src/events/orders.consumer';
import { TestGateway } from '../../src/gateways/test-gateway';

export const silentLogger = createLogger('payments-test', 'silent');

export function createPaymentsTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase(PAYMENTS_MIGRATIONS, 'payments');
}

export function paymentsTestApp(pool: Pool, gateway: PaymentGateway, opts: { now?: () => Date; currency?: string; attemptLimits?: AttemptLimits } = {}) {
  return buildApp({ pool, logger: silentLogger, jwtPublicKey: testKeys().publicKey, gateway, currency: opts.currency, attemptLimits: opts.attemptLimits, now: opts.now });
}

/** The orders service's default rates (BUYER_FEE_PERCENT 10, SELLER_FEE_PERCENT 5): fixtures price orders as it would. */
export const FEE_RATES = { buyerFeePercent: 10, sellerFeePercent: 5 };

/**
 * Puts an order straight into the replica through the data layer, as if its order.created had been applied. Priced as
 * orders prices it (quantity × unit price + 10 % buyer fee) unless the fields are given; default 2 × 10.00 + 2.00 = 22.00.
 */
export async function seedOrder(db: Queryable, over: Partial<ReplicaOrder> = {}): Promise<ReplicaOrder> {
  const price = priceOrder(over.unitPriceCents ?? 1000, over.quantity ?? 2, FEE_RATES);
  const order: ReplicaOrder = {
    id: randomUUID(),
    version: 0,
    userId: randomUUID(),
    listingId: randomUUID(),
    eventId: randomUUID(),
    sellerId: randomUUID(),
    quantity: price.quantity,
    unitPriceCents: price.unitPriceCents,
    buyerFeeCents: price.buyerFeeCents,
    sellerFeeCents: price.sellerFeeCents,
    totalCents: price.totalCents,
    status: 'created',
    expiresAt: new Date(Date.now() + 15 * 60_000),
    ...over,
  };
  await insertOrder(db, order);
  return order;
}

/** An order.created v2 as orders publishes it: k tickets of one listing, priced with FEE_RATES; default 2 × 12.75. */
export function orderCreatedEvent(over: OrderCreatedFixture = {}): OrderCreatedEvent {
  return orderCreatedPayload({ rates: FEE_RATES, ...over });
}

export async function count(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS counted`, params);
  return rows[0]!.n;
}

export interface OutboxEvent {
  subject: string;
  payload: Record<string, unknown>;
}

export async function outboxEvents(db: Queryable, subject?: string): Promise<OutboxEvent[]> {
  const { rows } = await db.query<OutboxEvent>('SELECT subject, payload FROM outbox WHERE $1::text IS NULL OR subject = $1 ORDER BY seq', [subject ?? null]);
  return rows;
}

/**
 * Wraps a real gateway to see what the service asks of it, and to make it fail on purpose: `refundFailures` refund
 * calls fail (provider down) before the real one is reached; `loseChargeAnswer` makes the provider charge and the
 * answer get lost (the crash window between charging and storing).
 */
export class ObservedGateway implements PaymentGateway {
  readonly name: string;
  readonly token: TokenShape;
  readonly charges: ChargeRequest[] = [];
  readonly refunds: RefundRequest[] = [];
  refundFailures = 0;
  loseChargeAnswer = false;
  /** Holds each charge this long before the provider sees it, so concurrent requests really overlap. */
  chargeDelayMs = 0;

  constructor(private readonly inner: PaymentGateway) {
    this.name = `observed-${inner.name}`;
    this.token = inner.token;
  }

  async charge(req: ChargeRequest): Promise<{ providerId: string }> {
    this.charges.push(req);
    if (this.chargeDelayMs) await new Promise((r) => setTimeout(r, this.chargeDelayMs));
    const result = await this.inner.charge(req);
    if (this.loseChargeAnswer) throw new Error('socket hang up (the answer of a completed charge was lost)');
    return result;
  }

  async refund(req: RefundRequest): Promise<{ refundId: string }> {
    this.refunds.push(req);
    if (this.refundFailures > 0) {
      this.refundFailures--;
      throw new Error('connect ECONNREFUSED (payment provider down)');
    }
    return this.inner.refund(req);
  }
}

export interface PaymentsEventHarness {
  db: TestDatabase;
  bus: Bus;
  gateway: ObservedGateway;
  app: ReturnType<typeof paymentsTestApp>;
  /** What payments published on PAYMENTS (through its outbox and relay). */
  published: EventCollector;
  refundDeps: RefundDeps;
  /** Stops the durable consumer (payments falls behind ORDERS, as during a deploy); resumeConsumer picks up where it stopped. */
  pauseConsumer(): Promise<void>;
  resumeConsumer(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * payments wired as in index.ts (consumer 'payments' on ORDERS, outbox relay, test gateway) on its own database and
 * bus namespace (or the given one, to run beside other services). Tests inject orders' events with publishTestEvent
 * and watch PAYMENTS.
 */
export async function startPaymentsEventHarness(opts: { maxDeliver?: number; testBus?: TestBus } = {}): Promise<PaymentsEventHarness> {
  const db = await createPaymentsTestDatabase();
  const testBus = opts.testBus ?? (await createTestBus(silentLogger));
  await ensureStreams(testBus.bus, ['PAYMENTS', 'ORDERS']);
  const gateway = new ObservedGateway(new TestGateway(db.pool));
  const refundDeps: RefundDeps = { pool: db.pool, gateway, logger: silentLogger, messageRetryDelayMs: 200, retrierGraceMs: 60_000 };
  const startConsumer = () =>
    startConsumers([ordersConsumer(refundDeps)], { service: 'payments', bus: testBus.bus, pool: db.pool, logger: silentLogger, backoffMs: [100, 200], maxDeliver: opts.maxDeliver });
  let consumer: Consumer | undefined = await startConsumer();
  const relay = startOutboxRelay({ pool: db.pool, bus: testBus.bus, logger: silentLogger, pollIntervalMs: 200 });
  const published = await collectEvents(testBus.bus, 'PAYMENTS');
  return {
    db,
    bus: testBus.bus,
    gateway,
    app: paymentsTestApp(db.pool, gateway),
    published,
    refundDeps,
    pauseConsumer: async () => {
      await consumer?.stop();
      consumer = undefined;
    },
    resumeConsumer: async () => {
      consumer ??= await startConsumer();
    },
    stop: async () => {
      await published.stop();
      await consumer?.stop();
      await relay.stop();
      if (!opts.testBus) await testBus.cleanup();
      await db.drop();
    },
  };
}
