import { bothSides, ratioMetric, repeatAlternating, summarize, throughputMetric, type BenchContext, type Metric } from '../lib/context.mjs';
import { SERVICE_POOL_SIZE } from '../lib/platform.mjs';
import { ORDER_CONCURRENCY } from './order-creation.mjs';

const LIMIT = 20;

/**
 * Listings: an event's page, GET /api/listings?eventId=&limit=20 (anonymous, cheapest first, each listing with its
 * available seats and its event), against the same SELECTs (tickets' browseEventListings) issued directly, same pool
 * size. The event holds every listing the bench made (thousands), so the keyset index is what keeps it fast.
 */
export async function listings(ctx: BenchContext): Promise<Metric[]> {
  const reps = ctx.quick ? 2 : 5;
  const seconds = ctx.quick ? 3 : 8;
  await ctx.supply.ensure('pair', LIMIT * 2);
  const http = async () => {
    const result = await ctx.load.run({
      kind: 'http-closed',
      url: ctx.platform.ticketsUrl,
      connections: ORDER_CONCURRENCY,
      durationSec: seconds,
      items: [{ method: 'GET', path: `/api/listings?eventId=${ctx.eventId}&limit=${LIMIT}` }],
    });
    return summarize(result, (s) => s === 200);
  };
  const sql = async () => {
    const result = await ctx.load.run({
      kind: 'pg-listings',
      databaseUrl: ctx.platform.databaseUrls.tickets,
      poolSize: SERVICE_POOL_SIZE,
      concurrency: ORDER_CONCURRENCY,
      durationMs: seconds * 1000,
      eventId: ctx.eventId,
      limit: LIMIT,
    });
    return summarize(result, (s) => s === 1);
  };
  await http(); // warm-up, not counted
  const runs = await repeatAlternating(reps, http, sql, {
    afterEach: (rep, a, b) => ctx.log(`  rep ${rep + 1}/${reps}: HTTP ${a.perSec.toFixed(0)}/s (p99 ${a.p99.toFixed(1)} ms), SQL ${b.perSec.toFixed(0)}/s (p99 ${b.p99.toFixed(1)} ms)`),
  });
  const errors = runs.a.reduce((n, r) => n + Object.entries(r.statuses).filter(([s]) => s !== '200').reduce((m, [, c]) => m + c, 0), 0);
  return [
    throughputMetric({ scenario: 'listings', metric: 'requests/s', runs, failures: errors, failed: 'responses were not 200' }),
    ratioMetric({ scenario: 'listings', metric: 'p99', unit: 'ms', ...bothSides(runs, (r) => r.p99), target: '' }),
  ];
}
