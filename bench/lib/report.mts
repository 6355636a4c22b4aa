import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Metric } from './context.mjs';

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  node: string;
  loadAverage: number[];
}

export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    ramGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
  };
}

function num(v: number | null, unit = ''): string {
  if (v === null) return '';
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${unit && unit !== '/s' && unit !== 'count' ? ` ${unit}` : ''}`;
}

function rows(metrics: Metric[]): string[][] {
  return metrics.map((m) => [
    m.scenario,
    m.metric,
    num(m.value, m.unit),
    num(m.baseline, m.unit),
    m.ratio === null ? '' : num(m.ratio),
    m.target,
    m.pass === null ? '' : m.pass ? 'pass' : 'FAIL',
  ]);
}

const HEAD = ['scenario', 'metric', 'value (median)', 'baseline (median)', 'ratio', 'target', ''];

/** A plain-text table for the terminal. */
export function formatTable(metrics: Metric[]): string {
  const all = [HEAD, ...rows(metrics)];
  const widths = HEAD.map((_h, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => `  ${r.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  const notes = metrics.filter((m) => m.note).map((m) => `  note (${m.scenario}, ${m.metric}): ${m.note}`);
  return [line(all[0]!), ...all.slice(1).map(line), ...notes].join('\n');
}

/** The same table in Markdown (docs/performance.md). */
export function markdownTable(metrics: Metric[]): string {
  const head = ['scenario', 'metric', 'value', 'baseline', 'ratio', 'target', 'result'];
  const body = rows(metrics).map((r) => `| ${r.map((c) => c || '–').join(' | ')} |`);
  const notes = metrics.filter((m) => m.note).map((m) => `- ${m.scenario}, ${m.metric}: ${m.note}`);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** bench/results/latest.json: one object per metric (scenario, metric, value, baseline, ratio, target, pass, ...). */
export function writeResults(dir: string, metrics: Metric[]): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  fs.writeFileSync(file, `${JSON.stringify(metrics, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  return file;
}

const DOC = path.resolve(import.meta.dirname, '../../docs/performance.md');
const LATEST_RUN_HEADING = '## Latest run';

export interface RecordedRun {
  metrics: Metric[];
  machine: Machine;
  quick: boolean;
  durationSec: number;
  loadBefore: number[];
  loadAfter: number[];
  cpuNotes: Array<{ scenario: string; text: string }>;
  /** When it finished (ISO 8601, UTC). */
  when: string;
}

/** The "Latest run" section of docs/performance.md for this run: when, on what, its table and each scenario's CPU. */
export function latestRunSection(run: RecordedRun): string {
  const m = run.machine;
  const contended = run.loadBefore[0]! > m.cores * 0.5 ? ' (contended: other work was running on the machine)' : '';
  return [
    LATEST_RUN_HEADING,
    '',
    '`npm run bench -- --record` replaces this section with its own run.',
    '',
    `${run.when}, ${run.quick ? 'quick' : 'full'} run, ${Math.round(run.durationSec / 60)} min. Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ` +
      `Node ${m.node}. Load average before ${run.loadBefore.join(' / ')}, after ${run.loadAfter.join(' / ')}${contended}.`,
    '',
    markdownTable(run.metrics),
    '',
    'CPU per scenario (seconds of CPU each process used while it ran; how busy the whole machine was):',
    '',
    ...run.cpuNotes.map((c) => `- ${c.scenario}: ${c.text}`),
    '',
  ].join('\n');
}

/**
 * `doc` with its "Latest run" section (from its heading to the next `## ` heading, or to the end) replaced by
 * `section`; a doc without one gets it at the end. The rest of the doc is left as it is, to the byte.
 */
export function replaceLatestRun(doc: string, section: string): string {
  const heading = new RegExp(`^${LATEST_RUN_HEADING}$`, 'm').exec(doc);
  if (!heading) return `${doc.trimEnd()}\n\n${section}`;
  const after = doc.slice(heading.index + heading[0].length);
  const next = after.search(/^## /m);
  return `${doc.slice(0, heading.index)}${section}${next === -1 ? '' : `\n${after.slice(next)}`}`;
}

/** Replaces the "Latest run" section of docs/performance.md (or of `doc`, for a dry run) with this run. */
export function recordInDoc(run: Omit<RecordedRun, 'when'>, doc = DOC): string {
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const text = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '# Performance\n';
  fs.writeFileSync(doc, replaceLatestRun(text, latestRunSection({ ...run, when })));
  return doc;
}
