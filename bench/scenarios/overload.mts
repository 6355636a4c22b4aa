import { absoluteMetric, countStatuses, ratioMetric, repeatAlternating, type BenchContext, type Metric } from '../lib/context.mjs';
import { median, percentile } from '../lib/stats.mjs';
import { orderItems, returnUnused, runOrdersHttp, takeListings } from './order-creation.mjs';

/** Open-loop POST /api/orders (a pair each) at `rate` on distinct listings; what got through, how fast the rest was turned away. */
async function offer(ctx: BenchContext, rate: number, count: number) {
  const ids = takeListings(ctx, count);
  const result = await ctx.load.run({ kind: 'http-open', url: ctx.platform.ordersUrl, ratePerSec: rate, count, items: orderItems(ctx, ids), maxSockets: 2000, timeoutMs: 10_000 });
  returnUnused(ctx, ids, result);
  const accepted = result.samples.filter((s) => s[1] === 201);
  const rejected = result.samples.filter((s) => s[1] !== 201);
  // Sold twice, or sold without the buyer hearing 201: both would show here (orders counted, tickets counted).
  const { rows } = await ctx.platform.db.orders.query<{ active: number; doubled: number }>(
    `SELECT count(DISTINCT o.id)::int AS active, (count(*) - count(DISTINCT ot.ticket_id))::int AS doubled
       FROM orders o JOIN order_tickets ot ON ot.order_id = o.id AND ot.active
      WHERE o.listing_id = ANY($1::uuid[]) AND o.status IN ('created', 'awaiting:payment', 'complete')`,
    [ids],
  );
  const elapsedSec = (result.finishedAt - result.startedAt) / 1000;
  return {
    goodput: accepted.length / elapsedSec,
    offered: count / ((count - 1) / rate),
    acceptedP99: percentile(accepted.map((s) => s[2]), 99),
    rejectedP99: percentile(rejected.map((s) => (s[1] === 0 ? 10_000 : s[2])), 99),
    rejected: rejected.length,
    oversold: rows[0]!.doubled + Math.max(0, rows[0]!.active - accepted.length - result.samples.filter((s) => s[1] === 0).length),
    statuses: countStatuses(result.samples),
  };
}

/**
 * Overload: 3× the saturation rate of order creation offered open loop (arrivals do not wait for answers), against
 * the saturation goodput measured closed loop in the same run. A platform that sheds load well keeps its goodput,
 * turns the excess away quickly (503 + Retry-After) instead of queueing it, and never oversells.
 */
const plan = (quick: boolean) => (quick ? { seconds: 3, reps: 2 } : { seconds: 6, reps: 3 });

/** At most; requests refused with 503 hand their listings back. */
export const overloadListings = (quick: boolean, ordersPerSec: number) => {
  const p = plan(quick);
  return { pair: p.reps * 4 * Math.round(ordersPerSec) * p.seconds };
};

export async function overload(ctx: BenchContext): Promise<Metric[]> {
  const saturation = ctx.saturation?.ordersPerSec ?? 200;
  const rate = Math.round(3 * saturation);
  const { seconds, reps } = plan(ctx.quick);
  const count = rate * seconds;
  const closedAmount = Math.round(saturation * seconds);
  ctx.log(`  offering ${rate} orders/s (3 × ${saturation.toFixed(0)}/s) for ${seconds} s, ${reps} repetitions`);
  const runs = await repeatAlternating(reps, () => offer(ctx, rate, count), () => runOrdersHttp(ctx, closedAmount), {
    beforeEach: () => ctx.supply.ensure('pair', count + closedAmount),
    afterEach: (rep, a, b) =>
      ctx.log(
        `  rep ${rep + 1}/${reps}: goodput ${a.goodput.toFixed(0)}/s (closed loop ${b.perSec.toFixed(0)}/s), ${JSON.stringify(a.statuses)}, ` +
          `accepted p99 ${a.acceptedP99.toFixed(0)} ms, rejected p99 ${a.rejectedP99.toFixed(0)} ms`,
      ),
  });
  const oversold = runs.a.reduce((n, r) => n + r.oversold, 0);
  const rejected = runs.a.reduce((n, r) => n + r.rejected, 0);
  const rejectedP99 = median(runs.a.map((r) => r.rejectedP99));
  const scenario = `overload (${rate}/s offered)`;
  return [
    ratioMetric({
      scenario,
      metric: 'goodput (orders/s)',
      unit: '/s',
      values: runs.a.map((r) => r.goodput),
      baselines: runs.b.map((r) => r.perSec),
      target: 'ratio ≥ 0.8',
      passes: (ratio) => ratio >= 0.8,
    }),
    absoluteMetric({
      scenario,
      metric: `p99 of rejections (${rejected} rejected)`,
      unit: 'ms',
      value: rejectedP99,
      target: '≤ 100 ms',
      pass: rejected ? rejectedP99 <= 100 : null,
      runs: { value: runs.a.map((r) => r.rejectedP99) },
      note: rejected ? undefined : 'nothing was rejected: the excess queued (see p99 of accepted)',
    }),
    ratioMetric({ scenario, metric: 'p99 of accepted', unit: 'ms', values: runs.a.map((r) => r.acceptedP99), baselines: runs.b.map((r) => r.p99), target: '' }),
    absoluteMetric({ scenario, metric: 'oversold', unit: 'count', value: oversold, target: '0', pass: oversold === 0 }),
  ];
}
