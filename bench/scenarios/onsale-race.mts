import { absoluteMetric, alternate, countStatuses, ratioMetric, type BenchContext, type Metric } from '../lib/context.mjs';
import type { HttpItem } from '../lib/protocol.mjs';
import { percentile } from '../lib/stats.mjs';
import { returnUnused } from './order-creation.mjs';

const BUYERS = 500;
const TICKETS = 50;

/** Buyer i asks for ticket i mod tickets.length, all at once (one connection per buyer, one request each). */
async function burst(ctx: BenchContext, ticketIds: string[]) {
  const items: HttpItem[] = Array.from({ length: BUYERS }, (_v, i) => ({
    method: 'POST',
    path: '/api/orders',
    body: JSON.stringify({ ticketId: ticketIds[i % ticketIds.length] }),
    cookie: ctx.buyers[i]!.cookie,
  }));
  const result = await ctx.load.run({ kind: 'http-closed', url: ctx.platform.ordersUrl, connections: BUYERS, amount: BUYERS, items, timeoutSec: 30 });
  const winnersPerTicket = new Map<string, number>();
  for (const s of result.samples) if (s[1] === 201) winnersPerTicket.set(ticketIds[s[0] % ticketIds.length]!, (winnersPerTicket.get(ticketIds[s[0] % ticketIds.length]!) ?? 0) + 1);
  const statuses = countStatuses(result.samples);
  return {
    result,
    winners: statuses[201] ?? 0,
    ticketsWithTwoWinners: [...winnersPerTicket.values()].filter((n) => n > 1).length,
    serverErrors: result.samples.filter((s) => s[1] >= 500 || s[1] === 0).length,
    p99: percentile(
      result.samples.filter((s) => s[1] !== 0).map((s) => s[2]),
      99,
    ),
    statuses,
  };
}

/**
 * Onsale race: 500 buyers, each with their own session, for 50 tickets (10 per ticket), all at once. Exactly one
 * buyer per ticket may win; the others must get 409, never 5xx. Baseline: the same 500 simultaneous requests on 500
 * distinct tickets (no contention), so the ratio isolates what contention costs.
 */
const roundsOf = (quick: boolean) => (quick ? 3 : 20);
/** The uncontended baseline runs in every other round (A B, A, B A, A, …): 500 tickets each, and it varies little. */
const baselineRounds = (rounds: number) => Math.ceil(rounds / 2);

export const onsaleTickets = (quick: boolean) => roundsOf(quick) * TICKETS + baselineRounds(roundsOf(quick)) * BUYERS;

export async function onsaleRace(ctx: BenchContext): Promise<Metric[]> {
  const rounds = roundsOf(ctx.quick);
  await ctx.supply.ensure(onsaleTickets(ctx.quick));
  const contended: Awaited<ReturnType<typeof burst>>[] = [];
  const uncontended: Awaited<ReturnType<typeof burst>>[] = [];
  const race = async () => {
    const ids = ctx.supply.take(TICKETS);
    contended.push(await burst(ctx, ids));
  };
  const baseline = async () => {
    const ids = ctx.supply.take(BUYERS);
    const r = await burst(ctx, ids);
    returnUnused(ctx, ids, r.result);
    uncontended.push(r);
  };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) await alternate(round / 2, race, baseline);
    else await race();
    const c = contended[contended.length - 1]!;
    const u = round % 2 === 0 ? `; uncontended p99 ${uncontended[uncontended.length - 1]!.p99.toFixed(0)} ms` : '';
    ctx.log(`  round ${round + 1}/${rounds}: ${c.winners} winners, ${JSON.stringify(c.statuses)}, p99 ${c.p99.toFixed(0)} ms${u}`);
  }
  const winners = contended.map((r) => r.winners);
  const exact = contended.every((r) => r.winners === TICKETS && r.ticketsWithTwoWinners === 0);
  const serverErrors = [...contended, ...uncontended].reduce((n, r) => n + r.serverErrors, 0);
  return [
    absoluteMetric({
      scenario: 'onsale race',
      metric: `winners per round (${rounds} rounds)`,
      unit: 'count',
      value: Math.min(...winners),
      target: `exactly ${TICKETS} every round`,
      pass: exact,
      runs: { value: winners },
      note: exact ? undefined : `winners per round: ${winners.join(', ')}`,
    }),
    ratioMetric({
      scenario: 'onsale race',
      metric: 'contended p99',
      unit: 'ms',
      values: contended.map((r) => r.p99),
      baselines: uncontended.map((r) => r.p99),
      target: 'ratio ≤ 3',
      passes: (ratio) => ratio <= 3,
    }),
    absoluteMetric({ scenario: 'onsale race', metric: '5xx (and connection errors)', unit: 'count', value: serverErrors, target: '0', pass: serverErrors === 0 }),
  ];
}
