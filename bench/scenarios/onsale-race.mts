import { absoluteMetric, alternate, countStatuses, ratioMetric, type BenchContext, type Metric } from '../lib/context.mjs';
import { SHAPES, type Shape } from '../lib/market.mjs';
import type { HttpItem } from '../lib/protocol.mjs';
import { percentile } from '../lib/stats.mjs';
import { ORDER_QUANTITY } from './order-creation.mjs';

const BUYERS = 1000;
/** 25 listings of eight seats sold in pairs: 200 tickets, 100 pairs. */
const LISTINGS = 25;
const PAIRS = (LISTINGS * SHAPES.block.seats) / ORDER_QUANTITY;

/**
 * Buyer i (each with their own session and connection) asks for a pair of listing i mod listings.length, all at once.
 * Returns the winners and what the answers say about the tickets they got.
 */
async function burst(ctx: BenchContext, listingIds: string[]) {
  const buyers = ctx.buyers.next(BUYERS);
  const items: HttpItem[] = buyers.map((buyer, i) => ({
    method: 'POST',
    path: '/api/orders',
    body: JSON.stringify({ listingId: listingIds[i % listingIds.length], quantity: ORDER_QUANTITY }),
    cookie: buyer.cookie,
  }));
  const result = await ctx.load.run({ kind: 'http-closed', url: ctx.platform.ordersUrl, connections: BUYERS, amount: BUYERS, items, timeoutSec: 30, keepBodies: true });
  const won = result.samples.filter((s) => s[1] === 201);
  const tickets = won.flatMap((s) => (JSON.parse(result.bodies![s[0] % items.length]!) as { tickets: { id: string }[] }).tickets.map((t) => t.id));
  const statuses = countStatuses(result.samples);
  return {
    winners: won.length,
    /** Tickets named by two 201 answers: a double sale seen from outside. */
    ticketsSoldTwice: tickets.length - new Set(tickets).size,
    /** 201 answers that did not hand over exactly a pair. */
    notPairs: won.filter((s) => (JSON.parse(result.bodies![s[0] % items.length]!) as { tickets: unknown[] }).tickets.length !== ORDER_QUANTITY).length,
    serverErrors: result.samples.filter((s) => s[1] >= 500 || s[1] === 0).length,
    /** Of those, refusals by admission control (503 + Retry-After): the burst exceeded what it queues. */
    refused: result.samples.filter((s) => s[1] === 503).length,
    p50: percentile(
      result.samples.filter((s) => s[1] !== 0).map((s) => s[2]),
      50,
    ),
    p99: percentile(
      result.samples.filter((s) => s[1] !== 0).map((s) => s[2]),
      99,
    ),
    statuses,
  };
}

/**
 * Onsale race: 1,000 buyers, each with their own session, at once for 200 tickets in pairs across 25 listings of eight
 * seats sold in pairs (40 buyers per listing, 4 pairs each). Exactly 100 buyers may win, with disjoint tickets; the
 * others must get 409, never 5xx. Baseline: the same 1,000 simultaneous requests for a pair each of 1,000 distinct
 * two-seat listings (no contention), so the ratio isolates what contention costs.
 */
const roundsOf = (quick: boolean) => (quick ? 3 : 20);
/** The uncontended baseline runs in every other round (A B, A, B A, A, …): it varies little. */
const baselineRounds = (rounds: number) => Math.ceil(rounds / 2);

export const onsaleListings = (quick: boolean): Partial<Record<Shape, number>> => ({
  block: roundsOf(quick) * LISTINGS,
  pair: baselineRounds(roundsOf(quick)) * BUYERS,
});

export async function onsaleRace(ctx: BenchContext): Promise<Metric[]> {
  const rounds = roundsOf(ctx.quick);
  const wanted = onsaleListings(ctx.quick);
  await ctx.supply.ensure('block', wanted.block!);
  await ctx.supply.ensure('pair', wanted.pair!);
  const contended: Awaited<ReturnType<typeof burst>>[] = [];
  const uncontended: Awaited<ReturnType<typeof burst>>[] = [];
  const race = async () => {
    contended.push(await burst(ctx, ctx.supply.take('block', LISTINGS)));
  };
  const baseline = async () => {
    // Every pair listing of the baseline is ordered (or refused with 5xx, which the metric reports): none goes back.
    uncontended.push(await burst(ctx, ctx.supply.take('pair', BUYERS)));
  };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) await alternate(round / 2, race, baseline);
    else await race();
    const c = contended[contended.length - 1]!;
    const u = round % 2 === 0 ? `; uncontended p99 ${uncontended[uncontended.length - 1]!.p99.toFixed(0)} ms` : '';
    ctx.log(`  round ${round + 1}/${rounds}: ${c.winners} winners, ${JSON.stringify(c.statuses)}, p50 ${c.p50.toFixed(0)} ms, p99 ${c.p99.toFixed(0)} ms${u}`);
  }
  const winners = contended.map((r) => r.winners);
  const exact = contended.every((r) => r.winners === PAIRS && r.ticketsSoldTwice === 0 && r.notPairs === 0);
  const serverErrors = [...contended, ...uncontended].reduce((n, r) => n + r.serverErrors, 0);
  const refused = [...contended, ...uncontended].reduce((n, r) => n + r.refused, 0);
  const scenario = `onsale race (${BUYERS} buyers, ${PAIRS} pairs)`;
  return [
    absoluteMetric({
      scenario,
      metric: `winners per round (${rounds} rounds)`,
      unit: 'count',
      value: Math.min(...winners),
      target: `exactly ${PAIRS} every round`,
      pass: exact,
      runs: { value: winners },
      note: exact ? undefined : `winners per round: ${winners.join(', ')}; tickets in two answers: ${contended.reduce((n, r) => n + r.ticketsSoldTwice, 0)}`,
    }),
    ratioMetric({ scenario, metric: 'contended p50', unit: 'ms', values: contended.map((r) => r.p50), baselines: uncontended.map((r) => r.p50), target: '' }),
    ratioMetric({
      scenario,
      metric: 'contended p99',
      unit: 'ms',
      values: contended.map((r) => r.p99),
      baselines: uncontended.map((r) => r.p99),
      target: 'ratio ≤ 3',
      passes: (ratio) => ratio <= 3,
    }),
    absoluteMetric({
      scenario,
      metric: '5xx (and connection errors)',
      unit: 'count',
      value: serverErrors,
      target: '0',
      pass: serverErrors === 0,
      note: refused ? `${refused} of them 503 + Retry-After from admission control (a burst beyond what it queues)` : undefined,
    }),
  ];
}
