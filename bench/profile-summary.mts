// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and self time per package.
//   npx tsx bench/profile-summary.mts <file.cpuprofile> [--top=20]
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  functions: Array<{ name: string; where: string; selfMs: number; share: number }>;
  packages: Array<{ name: string; selfMs: number; share: number }>;
  /** Native frames (no JavaScript source: syscalls, V8 builtins) charged to the nearest JavaScript caller's function. */
  nativeByCaller: Array<{ name: string; selfMs: number; share: number }>;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where a frame comes from: a package under node_modules, a workspace (orders, common), node: internals, or V8. */
function packageOf(url: string, functionName: string): string {
  if (!url) return SPECIAL.has(functionName) ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node (internals)';
  const m = /\/work\/[^/]+\/([^/]+)\//.exec(url) ?? /\/([^/]+)\/(?:dist|src)\//.exec(url);
  return m ? `@ticketing/${m[1]}` : url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  return url.replace(/^file:\/\//, '').replace(/^.*?\/(common|orders|tickets|payments|expiration|auth)\//, '$1/');
}

export function summarizeProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const nearestJs = (id: number): string => {
    for (let at: number | undefined = parentOf.get(id); at !== undefined; at = parentOf.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (f.url && !f.url.startsWith('node:')) return `${f.functionName || '(anonymous)'} (${packageOf(f.url, f.functionName)})`;
    }
    return '(no JavaScript caller)';
  };
  const native = new Map<string, number>();
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const pkg = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = fn.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const p = packageOf(url, functionName);
    pkg.set(p, (pkg.get(p) ?? 0) + us);
    if (!url && !SPECIAL.has(functionName)) {
      const caller = `${name} ← ${nearestJs(id)}`;
      native.set(caller, (native.get(caller) ?? 0) + us);
    }
  }
  const busy = total - idle;
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    functions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, share: f.us / busy })),
    packages: [...pkg]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: us / busy })),
    nativeByCaller: [...native]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: us / busy })),
  };
}

export function formatProfileSummary(s: ProfileSummary): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
  return [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${((s.totalMs - s.idleMs) / 1000).toFixed(1)} s busy (shares below are of busy time)`,
    '',
    'top self time, by function:',
    ...s.functions.map((f) => `  ${pct(f.share)}  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`),
    '',
    'self time by package:',
    ...s.packages.map((p) => `  ${pct(p.share)}  ${p.selfMs.toFixed(0).padStart(6)} ms  ${p.name}`),
    '',
    'native time (syscalls, builtins) by nearest JavaScript caller outside node internals:',
    ...s.nativeByCaller.map((p) => `  ${pct(p.share)}  ${p.selfMs.toFixed(0).padStart(6)} ms  ${p.name}`),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx bench/profile-summary.mts <file.cpuprofile> [--top=20]');
    process.exit(64);
  }
  const top = Number(process.argv.find((a) => a.startsWith('--top='))?.split('=')[1] ?? 20);
  console.log(formatProfileSummary(summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, top)));
}

export type { CpuProfile };
