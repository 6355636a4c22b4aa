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

/** Appends a dated summary of this run, with the machine it ran on, under "Recorded runs" in docs/performance.md. */
export function recordInDoc(run: {
  metrics: Metric[];
  machine: Machine;
  quick: boolean;
  durationSec: number;
  loadBefore: number[];
  loadAfter: number[];
  cpuNotes: Array<{ scenario: string; text: string }>;
}): string {
  const m = run.machine;
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const section = [
    '',
    `### ${when} (${run.quick ? 'quick' : 'full'} run, ${Math.round(run.durationSec / 60)} min)`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, Node ${m.node}. Load average before ${run.loadBefore.join(' / ')}, after ${run.loadAfter.join(' / ')}` +
      `${run.loadBefore[0]! > m.cores * 0.5 ? ' (contended: other work was running on the machine)' : ''}.`,
    '',
    markdownTable(run.metrics),
    '',
    'CPU per scenario:',
    '',
    ...run.cpuNotes.map((c) => `- ${c.scenario}: ${c.text}`),
    '',
  ].join('\n');
  let doc = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '# Performance\n';
  if (!doc.includes('\n## Recorded runs\n')) doc = `${doc.trimEnd()}\n\n## Recorded runs\n\nAppended by \`npm run bench -- --record\`, newest last.\n`;
  fs.writeFileSync(DOC, `${doc.trimEnd()}\n${section}`);
  return DOC;
}
