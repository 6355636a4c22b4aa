import { bothSides, ratioMetric, repeatAlternating, summarize, throughputMetric, type BenchContext, type Metric } from '../lib/context.mjs';
import { SERVICE_POOL_SIZE } from '../lib/platform.mjs';
import type { HttpItem, RunResult } from '../lib/protocol.mjs';

/** Concurrent buyers (connections, and the baseline's concurrent transactions): enough to keep the pool of 10 busy. */
export const ORDER_CONCURRENCY = 32;
const HOLD_SECONDS = 900;

export function orderItems(ctx: BenchContext, ticketIds: string[]): HttpItem[] {
  return ticketIds.map((ticketId, i) => ({
    method: 'POST',
    path: '/api/orders',
    body: JSON.stringify({ ticketId }),
    cookie: ctx.buyers[i % ctx.buyers.length]!.cookie,
  }));
}

/** Returns the tickets of requests that stored no order (never sent, or refused before the domain ran) to the supply. */
export function returnUnused(ctx: BenchContext, ticketIds: string[], result: RunResult): void {
  const used = new Set<number>();
  for (const s of result.samples) if (s[0] >= 0 && s[1] !== 503 && s[1] !== 429) used.add(s[0] % ticketIds.length);
  ctx.supply.giveBack(ticketIds.filter((_id, i) => !used.has(i)));
}

/** POST /api/orders on distinct tickets, closed loop at ORDER_CONCURRENCY. */
export async function runOrdersHttp(ctx: BenchContext, amount: number) {
  const ids = ctx.supply.take(amount);
  const result = await ctx.load.run({ kind: 'http-closed', url: ctx.platform.ordersUrl, connections: ORDER_CONCURRENCY, amount, items: orderItems(ctx, ids) });
  returnUnused(ctx, ids, result);
  return summarize(result, (s) => s === 201);
}

async function runOrdersSql(ctx: BenchContext, amount: number) {
  const ids = ctx.supply.take(amount);
  const result = await ctx.load.run({
    kind: 'pg-orders',
    databaseUrl: ctx.platform.databaseUrls.orders,
    poolSize: SERVICE_POOL_SIZE,
    concurrency: ORDER_CONCURRENCY,
    orders: ids.map((ticketId, i) => ({ ticketId, buyerId: ctx.buyers[i % ctx.buyers.length]!.id })),
    holdSeconds: HOLD_SECONDS,
  });
  return summarize(result, (s) => s === 1);
}

/**
 * Order creation: successful orders/s through the service (HTTP, session, validation, transaction, outbox) against the
 * same transactions issued straight to PostgreSQL with the same pool size, in alternating repetitions.
 */
const plan = (quick: boolean) => (quick ? { reps: 3, perRun: 300, warmUp: 100 } : { reps: 5, perRun: 1000, warmUp: 200 });

export const orderCreationTickets = (quick: boolean) => {
  const p = plan(quick);
  return 2 * p.warmUp + p.reps * 2 * p.perRun;
};

export async function orderCreation(ctx: BenchContext): Promise<Metric[]> {
  const { reps, perRun, warmUp } = plan(ctx.quick);
  await ctx.supply.ensure(orderCreationTickets(ctx.quick));
  await runOrdersHttp(ctx, warmUp);
  await runOrdersSql(ctx, warmUp);

  const runs = await repeatAlternating(reps, () => runOrdersHttp(ctx, perRun), () => runOrdersSql(ctx, perRun), {
    afterEach: (rep, a, b) =>
      ctx.log(`  rep ${rep + 1}/${reps}: HTTP ${a.perSec.toFixed(0)}/s (p99 ${a.p99.toFixed(1)} ms, ${JSON.stringify(a.statuses)}), SQL ${b.perSec.toFixed(0)}/s`),
  });
  const failures = runs.a.reduce((n, r) => n + perRun - r.count, 0);
  const metrics = [
    throughputMetric({ scenario: 'order creation', metric: 'orders/s', runs, failures, failed: 'requests did not get 201' }),
    ratioMetric({ scenario: 'order creation', metric: 'p50', unit: 'ms', ...bothSides(runs, (r) => r.p50), target: '' }),
    ratioMetric({ scenario: 'order creation', metric: 'p99', unit: 'ms', ...bothSides(runs, (r) => r.p99), target: '' }),
  ];
  ctx.saturation = { ordersPerSec: metrics[0]!.value, p99Ms: metrics[2]!.value };
  return metrics;
}
