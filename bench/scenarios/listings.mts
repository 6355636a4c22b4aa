import { alternate, ratioMetric, summarize, type BenchContext, type Metric } from '../lib/context.mjs';
import { SERVICE_POOL_SIZE } from '../lib/platform.mjs';
import { ORDER_CONCURRENCY } from './order-creation.mjs';

const LIMIT = 20;

/** Listings: GET /api/tickets?limit=20 (anonymous, first page) against the same SELECT issued directly, same pool size. */
export async function listings(ctx: BenchContext): Promise<Metric[]> {
  const reps = ctx.quick ? 2 : 5;
  const seconds = ctx.quick ? 3 : 8;
  await ctx.supply.ensure(LIMIT * 2);
  const a: ReturnType<typeof summarize>[] = [];
  const b: ReturnType<typeof summarize>[] = [];
  const http = async () => {
    const result = await ctx.load.run({
      kind: 'http-closed',
      url: ctx.platform.ticketsUrl,
      connections: ORDER_CONCURRENCY,
      durationSec: seconds,
      items: [{ method: 'GET', path: `/api/tickets?limit=${LIMIT}` }],
    });
    a.push(summarize(result, (s) => s === 200));
  };
  const sql = async () => {
    const result = await ctx.load.run({
      kind: 'pg-listings',
      databaseUrl: ctx.platform.databaseUrls.tickets,
      poolSize: SERVICE_POOL_SIZE,
      concurrency: ORDER_CONCURRENCY,
      durationMs: seconds * 1000,
      limit: LIMIT,
    });
    b.push(summarize(result, (s) => s === 1));
  };
  await http(); // warm-up, not counted
  a.pop();
  for (let rep = 0; rep < reps; rep++) {
    await alternate(rep, http, sql);
    ctx.log(`  rep ${rep + 1}/${reps}: HTTP ${a[a.length - 1]!.perSec.toFixed(0)}/s (p99 ${a[a.length - 1]!.p99.toFixed(1)} ms), SQL ${b[b.length - 1]!.perSec.toFixed(0)}/s (p99 ${b[b.length - 1]!.p99.toFixed(1)} ms)`);
  }
  const errors = a.reduce((n, r) => n + Object.entries(r.statuses).filter(([s]) => s !== '200').reduce((m, [, c]) => m + c, 0), 0);
  return [
    ratioMetric({
      scenario: 'listings',
      metric: 'requests/s',
      unit: '/s',
      values: a.map((r) => r.perSec),
      baselines: b.map((r) => r.perSec),
      target: 'ratio ≥ 0.5',
      passes: (ratio) => ratio >= 0.5 && errors === 0,
      note: errors ? `${errors} responses were not 200` : undefined,
    }),
    ratioMetric({ scenario: 'listings', metric: 'p99', unit: 'ms', values: a.map((r) => r.p99), baselines: b.map((r) => r.p99), target: '' }),
  ];
}
