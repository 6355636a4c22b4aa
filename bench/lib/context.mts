import type { BenchPlatform } from './platform.mjs';
import type { LoadProcess } from './load-process.mjs';
import type { BenchUser, TicketSupply } from './market.mjs';
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
  supply: TicketSupply;
  /** Signed-in buyers (JWT sessions); onsale uses 500 distinct ones per round. */
  buyers: BenchUser[];
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
