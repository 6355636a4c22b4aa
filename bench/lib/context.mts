import type { BenchPlatform } from './platform.mjs';
import type { LoadProcess } from './load-process.mjs';
import type { BuyerPool, ListingSupply } from './market.mjs';
import type { RunResult, Sample } from './protocol.mjs';
import { median, percentile } from './stats.mjs';

/** One row of the results table and of bench/results/latest.json. */
export interface Metric {
  scenario: string;
  metric: string;
  unit: string;
  /** The platform's figure: the median over the repetitions. */
  value: number;
  /** The same figure for the baseline, measured in the same run (null: the metric has no baseline). */
  baseline: number | null;
  /** value / baseline. */
  ratio: number | null;
  /** Human-readable target, e.g. "ratio ≥ 0.5"; "" when informational. */
  target: string;
  /** null: informational. */
  pass: boolean | null;
  /** Per-repetition values, so noise is visible. */
  runs?: { value: number[]; baseline?: number[] };
  note?: string;
}

export interface BenchContext {
  platform: BenchPlatform;
  load: LoadProcess;
  /** Listings of the bench's event nobody has ordered from yet, by shape. */
  supply: ListingSupply;
  /** Fresh signed-in buyers (JWT sessions): one per order. */
  buyers: BuyerPool;
  /** The catalogue event every listing is for. */
  eventId: string;
  quick: boolean;
  log: (msg: string) => void;
  /** Set by order creation, used by propagation and overload: the platform's saturation throughput and latency. */
  saturation?: { ordersPerSec: number; p99Ms: number };
}

/** Throughput and latency of one run, counting only samples whose status passes `ok`. */
export function summarize(result: RunResult, ok: (status: number) => boolean) {
  const good = result.samples.filter((s) => ok(s[1]));
  const elapsedSec = Math.max(1e-3, (result.finishedAt - result.startedAt) / 1000);
  const latencies = good.map((s) => s[2]);
  return {
    count: good.length,
    perSec: good.length / elapsedSec,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses: countStatuses(result.samples),
  };
}

export function countStatuses(samples: Sample[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of samples) counts[s[1]] = (counts[s[1]] ?? 0) + 1;
  return counts;
}

/** A metric with no baseline: a count or a limit the platform must meet on its own. */
export function absoluteMetric(m: Omit<Metric, 'baseline' | 'ratio'>): Metric {
  return { scenario: m.scenario, metric: m.metric, unit: m.unit, value: m.value, baseline: null, ratio: null, target: m.target, pass: m.pass, runs: m.runs, note: m.note };
}

/**
 * Closed-loop throughput against the baseline's: the target is at least half its rate, with no request failing
 * (`failures` of them did, described by `failed`, e.g. "requests did not get 201").
 */
export function throughputMetric(m: { scenario: string; metric: string; runs: Repetitions<{ perSec: number }, { perSec: number }>; failures: number; failed: string }): Metric {
  return ratioMetric({
    scenario: m.scenario,
    metric: m.metric,
    unit: '/s',
    ...bothSides(m.runs, (r) => r.perSec),
    target: 'ratio ≥ 0.5',
    passes: (ratio) => ratio >= 0.5 && m.failures === 0,
    note: m.failures ? `${m.failures} ${m.failed}` : undefined,
  });
}

/** A metric from per-repetition values (A) and baselines (B): medians of each, and the ratio of the medians. */
export function ratioMetric(
  m: Omit<Metric, 'value' | 'baseline' | 'ratio' | 'pass' | 'runs'> & { values: number[]; baselines: number[]; passes?: (ratio: number, value: number) => boolean },
): Metric {
  const value = median(m.values);
  const baseline = median(m.baselines);
  const ratio = baseline > 0 ? value / baseline : Number.NaN;
  return {
    scenario: m.scenario,
    metric: m.metric,
    unit: m.unit,
    value,
    baseline,
    ratio,
    target: m.target,
    pass: m.passes ? m.passes(ratio, value) : null,
    runs: { value: m.values, baseline: m.baselines },
    note: m.note,
  };
}

/** Repetition r runs A then B when r is even, B then A when odd, so a drift in the machine's load hits both alike. */
export async function alternate(rep: number, a: () => Promise<void>, b: () => Promise<void>): Promise<void> {
  if (rep % 2 === 0) {
    await a();
    await b();
  } else {
    await b();
    await a();
  }
}

/** The results of a scenario's repetitions: A (the platform) and B (the baseline), one entry per repetition each. */
export interface Repetitions<A, B> {
  a: A[];
  b: B[];
}

/**
 * `reps` repetitions of A and B in alternating order (see alternate). `beforeEach` runs before both of a repetition
 * (a top-up of tickets, say); `afterEach` gets the repetition's two results (to log them).
 */
export async function repeatAlternating<A, B>(
  reps: number,
  runA: () => Promise<A>,
  runB: () => Promise<B>,
  hooks: { beforeEach?: () => Promise<void>; afterEach?: (rep: number, a: A, b: B) => void } = {},
): Promise<Repetitions<A, B>> {
  const runs: Repetitions<A, B> = { a: [], b: [] };
  for (let rep = 0; rep < reps; rep++) {
    await hooks.beforeEach?.();
    await alternate(
      rep,
      async () => {
        runs.a.push(await runA());
      },
      async () => {
        runs.b.push(await runB());
      },
    );
    hooks.afterEach?.(rep, runs.a[rep]!, runs.b[rep]!);
  }
  return runs;
}

/** One figure of every repetition, taken alike from A and B: the `values` and `baselines` of a ratioMetric. */
export function bothSides<A, B>(runs: Repetitions<A, B>, figure: (run: A | B) => number): { values: number[]; baselines: number[] } {
  return { values: runs.a.map(figure), baselines: runs.b.map(figure) };
}
