import { setTimeout as sleep } from 'node:timers/promises';
import { bothSides, ratioMetric, repeatAlternating, type BenchContext, type Metric } from '../lib/context.mjs';
import { nowMs, type Sample } from '../lib/protocol.mjs';
import { percentile } from '../lib/stats.mjs';
import { orderItems, returnUnused, takeListings } from './order-creation.mjs';

const POLL_MS = 5;

/**
 * Orders of a pair placed at a steady rate (open loop); for each 201, how long until the tickets service's database
 * shows the pair held (tickets holds all of an order's tickets in one transaction). Each order takes a whole two-seat
 * listing, so the listing names the order; the answered ones stream in from the load process, and only those are
 * polled, every 5 ms.
 */
async function ordersToHolds(ctx: BenchContext, rate: number, count: number) {
  const ids = takeListings(ctx, count);
  const answeredAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  let running = true;
  let giveUpAt = Number.POSITIVE_INFINITY;
  const watcher = (async () => {
    while (running || seenAt.size < answeredAt.size) {
      const pending = [...answeredAt.keys()].filter((id) => !seenAt.has(id));
      if (pending.length) {
        // The statement's snapshot is taken when it starts: a hold it sees was visible by then (at most POLL_MS late).
        const at = nowMs();
        const { rows } = await ctx.platform.db.tickets.query<{ id: string }>(
          `SELECT DISTINCT listing_id AS id FROM tickets WHERE listing_id = ANY($1::uuid[]) AND status <> 'available'`,
          [pending],
        );
        for (const r of rows) seenAt.set(r.id, at);
      }
      if (!running && nowMs() > giveUpAt) break;
      await sleep(POLL_MS);
    }
  })();
  const onProgress = (samples: Sample[]) => {
    for (const s of samples) if (s[1] === 201) answeredAt.set(ids[s[0] % ids.length]!, s[3]);
  };
  const result = await ctx.load.run(
    { kind: 'http-open', url: ctx.platform.ordersUrl, ratePerSec: rate, count, items: orderItems(ctx, ids), maxSockets: 64, timeoutMs: 10_000, streamProgress: true },
    onProgress,
  );
  giveUpAt = nowMs() + 30_000;
  running = false;
  await watcher;
  returnUnused(ctx, ids, result);
  const latencies = [...answeredAt].filter(([id]) => seenAt.has(id)).map(([id, at]) => seenAt.get(id)! - at);
  const hops = await hopsOf(ctx, seenAt);
  return { latencies, missing: answeredAt.size - latencies.length, failed: count - answeredAt.size, hops };
}

/**
 * Where the time goes, from the databases' own timestamps (all now(), i.e. the start of the writing transaction): the
 * order's transaction began → the orders relay's batch that published it began (outbox.sent_at) → tickets' transaction
 * that applied it began (known_orders.updated_at) → the bench saw the hold. Medians and p99 of each hop.
 */
async function hopsOf(ctx: BenchContext, seenAt: Map<string, number>) {
  const ids = [...seenAt.keys()];
  const [orders, tickets] = await Promise.all([
    ctx.platform.db.orders.query<{ t: string; created: number; sent: number }>(
      `SELECT o.listing_id::text AS t, extract(epoch FROM o.created_at) * 1000 AS created, extract(epoch FROM ob.sent_at) * 1000 AS sent
         FROM orders o JOIN outbox ob ON ob.aggregate_key = 'order:' || o.id::text AND ob.subject = 'order.created'
        WHERE o.listing_id = ANY($1::uuid[])`,
      [ids],
    ),
    ctx.platform.db.tickets.query<{ t: string; applied: number }>(
      `SELECT listing_id::text AS t, extract(epoch FROM updated_at) * 1000 AS applied FROM known_orders WHERE listing_id = ANY($1::uuid[])`,
      [ids],
    ),
  ]);
  const applied = new Map(tickets.rows.map((r) => [r.t, Number(r.applied)]));
  const toRelay: number[] = [];
  const toTickets: number[] = [];
  const toSeen: number[] = [];
  for (const r of orders.rows) {
    const a = applied.get(r.t);
    if (a === undefined || r.sent === null) continue;
    toRelay.push(Number(r.sent) - Number(r.created));
    toTickets.push(a - Number(r.sent));
    toSeen.push(seenAt.get(r.t)! - a);
  }
  const p = (xs: number[]) => `${percentile(xs, 50).toFixed(1)}/${percentile(xs, 99).toFixed(0)}`;
  return `order tx → relay batch ${p(toRelay)} ms, relay → tickets tx ${p(toTickets)} ms, tickets tx → seen ${p(toSeen)} ms (p50/p99)`;
}

async function busRoundTrip(ctx: BenchContext, rate: number, count: number) {
  const result = await ctx.load.run({
    kind: 'jetstream-roundtrip',
    natsUrl: ctx.platform.natsUrl,
    streamName: `${ctx.platform.redisNamespace}_bench_rt_${Date.now()}`,
    ratePerSec: rate,
    count,
    payloadBytes: 300,
  });
  return { latencies: result.samples.map((s) => s[2]), missing: count - result.samples.length };
}

/**
 * Propagation: commit of an order of two tickets (its 201) → the tickets service shows both held, at half the
 * saturation rate measured by order creation. Baseline: a bare JetStream publish → consume at the same rate.
 */
const plan = (quick: boolean) => (quick ? { seconds: 3, reps: 2 } : { seconds: 10, reps: 3 });

export const propagationListings = (quick: boolean, ordersPerSec: number) => {
  const p = plan(quick);
  return { pair: p.reps * Math.round(ordersPerSec / 2) * p.seconds };
};

export async function propagation(ctx: BenchContext): Promise<Metric[]> {
  const saturation = ctx.saturation?.ordersPerSec ?? 200;
  const rate = Math.max(10, Math.round(saturation / 2));
  const { seconds, reps } = plan(ctx.quick);
  const count = rate * seconds;
  await ctx.supply.ensure('pair', reps * count);
  ctx.log(`  ${rate} orders/s (half of ${saturation.toFixed(0)}/s) for ${seconds} s, ${reps} repetitions`);
  const runs = await repeatAlternating(reps, () => ordersToHolds(ctx, rate, count), () => busRoundTrip(ctx, rate, count), {
    afterEach: (rep, a, b) => {
      ctx.log(`  rep ${rep + 1}/${reps}: order → hold p50 ${percentile(a.latencies, 50).toFixed(1)} ms, p99 ${percentile(a.latencies, 99).toFixed(1)} ms; bus p99 ${percentile(b.latencies, 99).toFixed(1)} ms`);
      ctx.log(`    hops: ${a.hops}`);
    },
  });
  const lost = [...runs.a, ...runs.b].reduce((n, r) => n + r.missing, 0);
  const failed = runs.a.reduce((n, r) => n + r.failed, 0);
  const note = [lost ? `${lost} holds or messages never seen within 30 s` : '', failed ? `${failed} orders did not get 201` : ''].filter(Boolean).join('; ') || undefined;
  const latencyAt = (p: number) => bothSides(runs, (r) => percentile(r.latencies, p));
  return [
    ratioMetric({ scenario: 'propagation', metric: `p50 at ${rate}/s`, unit: 'ms', ...latencyAt(50), target: '' }),
    ratioMetric({
      scenario: 'propagation',
      metric: `p99 at ${rate}/s`,
      unit: 'ms',
      ...latencyAt(99),
      target: 'p99 ≤ 50 ms; ratio ≤ 10',
      passes: (ratio, value) => value <= 50 && ratio <= 10 && lost === 0,
      note,
    }),
  ];
}
