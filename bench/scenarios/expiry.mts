import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { priceOrder, withTransaction } from '@ticketing/common';
import { insertOrder } from '../../orders/src/data/orders.data.js';
import { findListing, listingTickets } from '../../orders/src/data/listings.data.js';
import { recordOrderCreated } from '../../orders/src/domain/order-events.js';
import { absoluteMetric, bothSides, ratioMetric, repeatAlternating, type BenchContext, type Metric } from '../lib/context.mjs';
import { percentile } from '../lib/stats.mjs';
import { ORDER_QUANTITY, takeListings } from './order-creation.mjs';

const SPREAD_MS = 1000;
const RELEASE_LIMIT_MS = 10_000;
/** How long after the last hold is due the bench keeps watching, so a miss is measured rather than cut off. */
const GIVE_UP_MS = 90_000;
const EXPIRATION_CONCURRENCY = 50; // expiration/src/config.ts EXPIRATION_WORKER_CONCURRENCY default
/** orders' defaults (BUYER_FEE_PERCENT, SELLER_FEE_PERCENT). */
const FEES = { buyerFeePercent: 10, sellerFeePercent: 5 };

/**
 * Holds of two tickets that all end within one second, created ahead of time the way POST /api/orders creates them
 * (orders' own insertOrder + order.created outbox row, in orders' database, at orders' default fees) but with
 * expiresAt chosen: no HTTP path can create 10,000 orders within one second. Everything after the insert is the
 * platform's own: the relay publishes order.created; tickets holds the pair; expiration schedules the timer; the timer
 * fires expiration.completed; orders cancels; tickets frees the pair. Lateness = the moment tickets frees them
 * (known_orders.updated_at of the cancellation, written in the transaction that frees the tickets) − expiresAt.
 */
async function expireHolds(ctx: BenchContext, count: number) {
  const { db } = ctx.platform;
  const ids = takeListings(ctx, count);
  const buyers = ctx.buyers.next(count);
  // Time for the inserts and for every service to take in `count` order.created events before the first is due.
  const leadMs = 4000 + count * 5;
  const dueFrom = Date.now() + leadMs;
  const dueOf = (i: number) => dueFrom + (i * SPREAD_MS) / count;
  const expiresAt = new Map<string, number>();
  const batches: number[][] = [];
  for (let i = 0; i < count; i += 250) batches.push(Array.from({ length: Math.min(250, count - i) }, (_v, j) => i + j));
  const insertBatch = async (batch: number[]) =>
    withTransaction(db.orders, async (tx) => {
      const dbNow = Number((await tx.query<{ ms: string }>('SELECT (extract(epoch FROM now()) * 1000)::text AS ms')).rows[0]!.ms);
      for (const i of batch) {
        const listing = (await findListing(tx, ids[i]!))!;
        const tickets = (await listingTickets(tx, listing.id)).slice(0, ORDER_QUANTITY);
        const price = priceOrder(listing.priceCents, ORDER_QUANTITY, FEES);
        const order = await insertOrder(tx, {
          id: randomUUID(),
          userId: buyers[i]!.id,
          listingId: listing.id,
          eventId: listing.eventId,
          sellerId: listing.sellerId,
          section: listing.section,
          row: listing.row,
          quantity: ORDER_QUANTITY,
          unitPriceCents: price.unitPriceCents,
          buyerFeeCents: price.buyerFeeCents,
          sellerFeeCents: price.sellerFeeCents,
          totalCents: price.totalCents,
          holdSeconds: (dueOf(i) - dbNow) / 1000,
          tickets,
        });
        expiresAt.set(order.id, order.expiresAt.getTime());
        await recordOrderCreated(tx, order);
      }
    });
  for (let i = 0; i < batches.length; i += 3) await Promise.all(batches.slice(i, i + 3).map(insertBatch));

  const redis = new Redis(ctx.platform.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(ctx.platform.expirationQueue.name, { connection: redis, prefix: ctx.platform.expirationQueue.prefix });
  const orderIds = [...expiresAt.keys()];
  const heldCount = async () =>
    (await db.tickets.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE listing_id = ANY($1::uuid[]) AND status = 'held'`, [ids])).rows[0]!.n;
  let ready = false;
  let readyAtMs = Number.NaN;
  try {
    while (Date.now() < dueFrom - 100) {
      const [held, delayed] = await Promise.all([heldCount(), queue.getDelayedCount()]);
      if (held === count * ORDER_QUANTITY && delayed >= count) {
        ready = true;
        readyAtMs = dueFrom - Date.now();
        break;
      }
      // Each check looks up every ticket: not more often than this, or the watching itself loads the database.
      await sleep(500);
    }
  } finally {
    await queue.close();
    redis.disconnect();
  }
  if (!ready) ctx.log(`  warning: not every hold was in place (tickets held, timers scheduled) when the first one was due`);

  const lastDue = dueOf(count - 1);
  const freedCount = async () =>
    (await db.tickets.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE listing_id = ANY($1::uuid[]) AND status = 'available'`, [ids])).rows[0]!.n;
  // This poll only decides when to stop watching: lateness and the "all free" time come from the release timestamps.
  while (Date.now() < lastDue + GIVE_UP_MS && (Date.now() < dueFrom || (await freedCount()) < count * ORDER_QUANTITY)) await sleep(1000);
  const { rows } = await db.tickets.query<{ order_id: string; ms: string }>(
    `SELECT order_id, (extract(epoch FROM updated_at) * 1000)::text AS ms FROM known_orders WHERE order_id = ANY($1::uuid[]) AND state = 'cancelled'`,
    [orderIds],
  );
  const lateness = rows.map((r) => Number(r.ms) - expiresAt.get(r.order_id)!);
  const lastRelease = rows.reduce((max, r) => Math.max(max, Number(r.ms)), 0);
  ctx.supply.giveBack('pair', ids);
  return { lateness, unreleased: count - rows.length, releaseSpanMs: lastRelease - dueFrom, ready, spareMs: readyAtMs };
}

async function bareTimers(ctx: BenchContext, count: number) {
  const result = await ctx.load.run({
    kind: 'bullmq-lateness',
    redisUrl: ctx.platform.redisUrl,
    prefix: `${ctx.platform.redisNamespace}:bench-baseline`,
    count,
    spreadMs: SPREAD_MS,
    leadMs: 3000 + count * 0.3,
    concurrency: EXPIRATION_CONCURRENCY,
  });
  return { lateness: result.samples.map((s) => s[2]), missing: count - result.samples.length };
}

/** Expiry: N holds of a pair ending within one second; how late each pair is free again, against a bare BullMQ timer's lateness. */
const plan = (quick: boolean) => (quick ? { count: 500, reps: 2 } : { count: 10_000, reps: 2 });

/** The same listings serve every repetition: each is free again once its hold has expired. */
export const expiryListings = (quick: boolean) => ({ pair: plan(quick).count });

export async function expiry(ctx: BenchContext): Promise<Metric[]> {
  const { count, reps } = plan(ctx.quick);
  await ctx.supply.ensure('pair', count);
  const runs = await repeatAlternating(reps, () => expireHolds(ctx, count), () => bareTimers(ctx, count), {
    afterEach: (rep, l, bare) =>
      ctx.log(
        `  rep ${rep + 1}/${reps}: release p50 ${percentile(l.lateness, 50).toFixed(0)} ms, p99 ${percentile(l.lateness, 99).toFixed(0)} ms, ` +
          `all ${count - l.unreleased}/${count} free ${(l.releaseSpanMs / 1000).toFixed(1)} s after the first was due (set-up spare ${(l.spareMs / 1000).toFixed(1)} s); ` +
          `bare BullMQ p99 ${percentile(bare.lateness, 99).toFixed(0)} ms`,
      ),
  });
  const unreleased = runs.a.reduce((n, r) => n + r.unreleased, 0);
  const notReady = runs.a.filter((r) => !r.ready).length;
  const spans = runs.a.map((r) => r.releaseSpanMs / 1000);
  const scenario = `expiry (${count} holds in 1 s)`;
  const latenessAt = (p: number) => bothSides(runs, (r) => percentile(r.lateness, p));
  return [
    ratioMetric({ scenario, metric: 'lateness p50', unit: 'ms', ...latenessAt(50), target: '' }),
    ratioMetric({
      scenario,
      metric: 'lateness p99',
      unit: 'ms',
      ...latenessAt(99),
      target: 'p99 ≤ 500 ms; ratio ≤ 3',
      passes: (ratio, value) => value <= 500 && ratio <= 3,
      note: notReady ? `${notReady} repetition(s) started before every hold was in place` : undefined,
    }),
    absoluteMetric({
      scenario,
      metric: 'all free after (first due → last free)',
      unit: 's',
      value: Math.max(...spans),
      target: '≤ 10 s',
      pass: unreleased === 0 && spans.every((s) => s <= RELEASE_LIMIT_MS / 1000),
      runs: { value: spans },
      note: unreleased ? `${unreleased} holds not released within ${GIVE_UP_MS / 1000} s of the last one being due` : undefined,
    }),
  ];
}
