// npm run bench [-- --quick] [--record] [--attach] [--only=a,b] [--profile]
// Starts an isolated platform (or attaches to `npm start`'s with --attach), runs each scenario against its baseline
// in alternating repetitions, prints medians and ratios, writes bench/results/latest.json; --record also replaces the
// "Latest run" section of docs/performance.md with this run. See docs/performance.md for the method.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CpuMeter, cpuSnapshot } from './lib/cpu.mjs';
import { attachToRunningPlatform, startBenchPlatform, type BenchPlatform } from './lib/platform.mjs';
import { LoadProcess } from './lib/load-process.mjs';
import { BuyerPool, ListingSupply, mintUsers, scheduleBenchEvent, type Shape } from './lib/market.mjs';
import type { BenchContext, Metric } from './lib/context.mjs';
import { describeMachine, formatTable, recordInDoc, writeResults } from './lib/report.mjs';
import { SCENARIOS } from './scenarios/index.mjs';
import { formatProfileSummary, summarizeProfile, type CpuProfile } from './profile-summary.mjs';

const args = new Set(process.argv.slice(2));
const option = (name: string) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = args.has('--quick');
// --profile (= orders during order creation) or --profile=tickets (during listings): that service runs under
// --cpu-prof for that scenario only, and its profile is summarised at the end.
const PROFILED = { orders: 'order-creation', tickets: 'listings', expiration: 'expiry' } as const;
const profiledService = args.has('--profile') ? 'orders' : (option('profile') as keyof typeof PROFILED | undefined);
if (profiledService && !(profiledService in PROFILED)) throw new Error(`--profile=${profiledService}: can profile ${Object.keys(PROFILED).join(' or ')}`);
const profile = Boolean(profiledService);
const only = profiledService ? [PROFILED[profiledService]] : option('only')?.split(',');
const resultsDir = path.join(import.meta.dirname, 'results');
const profileDir = path.join(resultsDir, 'profiles');

/** Shared infrastructure processes on this machine (other engineers' tests use them too). */
function infraPids(): Record<string, number[]> {
  const find = (name: string) => {
    try {
      return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  return { 'nats-server (shared)': find('nats-server'), 'redis-server (shared)': find('redis-server') };
}

function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

async function main(): Promise<void> {
  const unknown = only?.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown?.length) throw new Error(`unknown scenario ${unknown.join(', ')}; the scenarios are ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const started = Date.now();
  const machine = describeMachine();
  log(`bench ${quick ? '(quick) ' : ''}on ${machine.cpu} × ${machine.cores}, ${machine.ramGb} GB, Node ${machine.node}; load average ${machine.loadAverage.join(' ')}`);

  let platform: BenchPlatform;
  if (args.has('--attach') && profile) throw new Error('--profile starts its own platform (orders must run under --cpu-prof); drop --attach');
  if (args.has('--attach')) {
    platform = attachToRunningPlatform();
    log('attached to the running platform (npm start)');
  } else {
    log('starting an isolated platform (tickets, orders, expiration, payments, catalog)…');
    fs.rmSync(profileDir, { recursive: true, force: true });
    const serviceEnv = profiledService ? { [profiledService]: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } } : undefined;
    platform = await startBenchPlatform({ logFile: path.join(resultsDir, 'platform.log'), serviceEnv });
    log(`platform up in ${((Date.now() - started) / 1000).toFixed(0)} s; service logs in bench/results/platform.log`);
  }
  const load = new LoadProcess();
  const metrics: Metric[] = [];
  const cpuNotes: Array<{ scenario: string; text: string }> = [];
  const infra = infraPids();
  const meter = () =>
    new CpuMeter(() =>
      cpuSnapshot(
        {
          ...Object.fromEntries(Object.entries(platform.pids()).map(([name, pid]) => [name, [pid]])),
          'load process': [load.pid],
          orchestrator: [process.pid],
          ...infra,
        },
        { pool: platform.db.orders, databases: platform.databaseNames },
      ),
    );
  try {
    const [seller] = mintUsers(1, platform.privateKey, 'seller');
    log('\nscheduling the event every listing is for…');
    const eventId = await scheduleBenchEvent(platform, log);
    const ctx: BenchContext = {
      platform,
      load,
      supply: new ListingSupply(platform, load, seller!, eventId, log),
      buyers: new BuyerPool(platform.privateKey),
      eventId,
      quick,
      log,
    };
    const selected = SCENARIOS.filter((sc) => !only || only.includes(sc.name));
    // One listing pass up front (the scenarios top up if the saturation rate turns out higher than guessed).
    const guess = quick ? 120 : 150;
    log('\nlisting what the scenarios will order…');
    for (const shape of ['pair', 'block'] as Shape[]) {
      const wanted = selected.reduce((n, sc) => n + (sc.listings(quick, guess)[shape] ?? 0), 0);
      if (wanted) await ctx.supply.ensure(shape, wanted);
    }
    for (const scenario of selected) {
      const t0 = Date.now();
      log(`\n${scenario.name}`);
      const cpu = meter();
      await cpu.start();
      const got = await scenario.run(ctx);
      const used = await cpu.stop();
      metrics.push(...got);
      cpuNotes.push({ scenario: scenario.name, text: used.text });
      log(formatTable(got));
      log(`  ${used.text}`);
      log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  } finally {
    load.close();
    await platform.stop();
  }
  if (profile) {
    const files = fs.existsSync(profileDir) ? fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')) : [];
    if (!files.length) throw new Error(`${profiledService} wrote no .cpuprofile into ${profileDir}`);
    const file = path.join(profileDir, files.sort().at(-1)!);
    const text = formatProfileSummary(summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, 25));
    fs.writeFileSync(path.join(resultsDir, 'profile-summary.txt'), `${text}\n`);
    log(`\n${profiledService}' CPU profile during ${only![0]} (${path.relative(process.cwd(), file)}):\n${text}`);
    return;
  }
  const durationSec = Math.round((Date.now() - started) / 1000);
  const loadAfter = describeMachine().loadAverage;
  log(`\nall scenarios (${quick ? 'quick' : 'full'} run, ${durationSec} s; load average ${loadAfter.join(' ')}):`);
  log(formatTable(metrics));
  const file = writeResults(resultsDir, metrics);
  log(`\nwrote ${path.relative(process.cwd(), file)}`);
  if (args.has('--record')) {
    const doc = recordInDoc({ metrics, machine, quick, durationSec, loadBefore: machine.loadAverage, loadAfter, cpuNotes });
    log(`wrote this run into the "Latest run" section of ${path.relative(process.cwd(), doc)}`);
  }
  if (metrics.some((m) => m.pass === false)) log(`\n${metrics.filter((m) => m.pass === false).length} target(s) missed (see docs/performance.md for what limits each).`);
}

fs.mkdirSync(resultsDir, { recursive: true });
main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
