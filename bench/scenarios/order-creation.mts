import { bothSides, ratioMetric, repeatAlternating, summarize, throughputMetric, type BenchContext, type Metric } from '../lib/context.mjs';
import type { Shape } from '../lib/market.mjs';
import { SERVICE_POOL_SIZE } from '../lib/platform.mjs';
import type { HttpItem, RunResult } from '../lib/protocol.mjs';

/** Concurrent buyers (connections, and the baseline's concurrent transactions): enough to keep the pool of 10 busy. */
export const ORDER_CONCURRENCY = 32;
/** Every order is for a pair of adjacent seats: the whole of one `pair` listing. */
export const ORDER_QUANTITY = 2;
const SHAPE = 'pair' satisfies Shape;
const HOLD_SECONDS = 900;

/** POST /api/orders {listingId, quantity: 2}, one fresh buyer per order. */
export function orderItems(ctx: BenchContext, listingIds: string[]): HttpItem[] {
  const buyers = ctx.buyers.next(listingIds.length);
  return listingIds.map((listingId, i) => ({
    method: 'POST',
    path: '/api/orders',
    body: JSON.stringify({ listingId, quantity: ORDER_QUANTITY }),
    cookie: buyers[i]!.cookie,
  }));
}

/** Returns the listings of requests that stored no order (never sent, or refused before the domain ran) to the supply. */
export function returnUnused(ctx: BenchContext, listingIds: string[], result: RunResult): void {
  const used = new Set<number>();
  for (const s of result.samples) if (s[0] >= 0 && s[1] !== 503 && s[1] !== 429) used.add(s[0] % listingIds.length);
  ctx.supply.giveBack(
    SHAPE,
    listingIds.filter((_id, i) => !used.has(i)),
  );
}

export function takeListings(ctx: BenchContext, n: number): string[] {
  return ctx.supply.take(SHAPE, n);
}

/** POST /api/orders on distinct listings, closed loop at ORDER_CONCURRENCY. */
export async function runOrdersHttp(ctx: BenchContext, amount: number) {
  const ids = takeListings(ctx, amount);
  const result = await ctx.load.run({ kind: 'http-closed', url: ctx.platform.ordersUrl, connections: ORDER_CONCURRENCY, amount, items: orderItems(ctx, ids) });
  returnUnused(ctx, ids, result);
  return summarize(result, (s) => s === 201);
}

async function runOrdersSql(ctx: BenchContext, amount: number) {
  const ids = takeListings(ctx, amount);
  const buyers = ctx.buyers.next(amount);
  const result = await ctx.load.run({
    kind: 'pg-orders',
    databaseUrl: ctx.platform.databaseUrls.orders,
    poolSize: SERVICE_POOL_SIZE,
    concurrency: ORDER_CONCURRENCY,
    orders: ids.map((listingId, i) => ({ listingId, buyerId: buyers[i]!.id })),
    quantity: ORDER_QUANTITY,
    holdSeconds: HOLD_SECONDS,
  });
  return summarize(result, (s) => s === 1);
}

/**
 * Order creation: successful orders of two tickets per second through the service (HTTP, session, validation, the
 * transaction, outbox) against the same transaction (orders' placeOrder) called straight on PostgreSQL with the same
 * pool size, in alternating repetitions.
 */
const plan = (quick: boolean) => (quick ? { reps: 3, perRun: 300, warmUp: 100 } : { reps: 5, perRun: 1000, warmUp: 200 });

export const orderCreationListings = (quick: boolean) => {
  const p = plan(quick);
  return { [SHAPE]: 2 * p.warmUp + p.reps * 2 * p.perRun };
};

export async function orderCreation(ctx: BenchContext): Promise<Metric[]> {
  const { reps, perRun, warmUp } = plan(ctx.quick);
  await ctx.supply.ensure(SHAPE, orderCreationListings(ctx.quick)[SHAPE]);
  await runOrdersHttp(ctx, warmUp);
  await runOrdersSql(ctx, warmUp);

  const runs = await repeatAlternating(reps, () => runOrdersHttp(ctx, perRun), () => runOrdersSql(ctx, perRun), {
    afterEach: (rep, a, b) =>
      ctx.log(`  rep ${rep + 1}/${reps}: HTTP ${a.perSec.toFixed(0)}/s (p99 ${a.p99.toFixed(1)} ms, ${JSON.stringify(a.statuses)}), SQL ${b.perSec.toFixed(0)}/s`),
  });
  const failures = runs.a.reduce((n, r) => n + perRun - r.count, 0);
  const scenario = `order creation (k = ${ORDER_QUANTITY})`;
  const metrics = [
    throughputMetric({ scenario, metric: 'orders/s', runs, failures, failed: 'requests did not get 201' }),
    ratioMetric({ scenario, metric: 'p50', unit: 'ms', ...bothSides(runs, (r) => r.p50), target: '' }),
    ratioMetric({ scenario, metric: 'p99', unit: 'ms', ...bothSides(runs, (r) => r.p99), target: '' }),
  ];
  ctx.saturation = { ordersPerSec: metrics[0]!.value, p99Ms: metrics[2]!.value };
  return metrics;
}
