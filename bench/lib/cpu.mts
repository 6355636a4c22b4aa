import fs from 'node:fs';
import type pg from 'pg';

/** CPU seconds used, per process of interest and by the whole machine, between two snapshots (Linux /proc only). */
export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number } | null;
  /** label → pid → CPU ticks so far. */
  processes: Record<string, Record<number, number>>;
}

const TICKS_PER_SEC = 100; // USER_HZ: 100 on every Linux the bench targets

function machineTicks(): { busy: number; total: number } | null {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

function processTicks(pid: number): number {
  try {
    // Fields after the command name (which may contain spaces, hence the last ')'): utime is the 14th, stime the 15th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

/**
 * Takes a snapshot. `groups` maps a label to pids; `postgres` (optional) adds the backends serving our databases, found
 * in pg_stat_activity (PostgreSQL runs on this machine), so the database's share of the work is visible too.
 */
export async function cpuSnapshot(groups: Record<string, Array<number | undefined>>, postgres?: { pool: pg.Pool; databases: string[] }): Promise<CpuSnapshot> {
  const all: Record<string, Array<number | undefined>> = { ...groups };
  if (postgres) {
    try {
      const { rows } = await postgres.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)', [postgres.databases]);
      all['postgres (our databases)'] = rows.map((r) => r.pid);
    } catch {
      // Not allowed to see other sessions, or not local: leave it out.
    }
  }
  const processes: Record<string, Record<number, number>> = {};
  for (const [label, pids] of Object.entries(all)) {
    const ticks: Record<number, number> = {};
    for (const pid of pids) if (pid) ticks[pid] = processTicks(pid);
    processes[label] = ticks;
  }
  return { at: Date.now(), machine: machineTicks(), processes };
}

/** "orders 10.2 s, tickets 3.1 s, …; machine 93% busy" between two snapshots. */
export function describeCpu(before: CpuSnapshot, after: CpuSnapshot): { text: string; seconds: Record<string, number>; machineBusy: number | null } {
  const seconds: Record<string, number> = {};
  for (const [label, pids] of Object.entries(after.processes)) {
    // A process that appeared meanwhile (a new backend) counts from zero: its work was all within the interval. One
    // that ended meanwhile is not counted (its last figures are gone with it).
    let ticks = 0;
    for (const [pid, t] of Object.entries(pids)) ticks += Math.max(0, t - (before.processes[label]?.[Number(pid)] ?? 0));
    seconds[label] = ticks / TICKS_PER_SEC;
  }
  const machineBusy = before.machine && after.machine ? (after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total) : null;
  const parts = Object.entries(seconds)
    .sort((a, b) => b[1] - a[1])
    .map(([label, s]) => `${label} ${s.toFixed(1)} s`);
  const wall = (after.at - before.at) / 1000;
  const text = `CPU over ${wall.toFixed(0)} s: ${parts.join(', ')}; machine ${machineBusy === null ? '?' : `${Math.round(machineBusy * 100)}%`} busy (all processes, ours and others')`;
  return { text, seconds, machineBusy };
}

/**
 * Watches CPU use over a scenario: a snapshot at start, then one every second merged into the latest figures per
 * process, so short-lived processes (a baseline's database backends, gone when its pool closes) are still counted.
 */
export class CpuMeter {
  private first?: CpuSnapshot;
  private latest?: CpuSnapshot;
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;

  constructor(private readonly take: () => Promise<CpuSnapshot>) {}

  async start(): Promise<void> {
    this.first = await this.take();
    this.latest = structuredClone(this.first);
    this.timer = setInterval(() => {
      this.sampling ??= this.sample().finally(() => (this.sampling = undefined));
    }, 1000);
  }

  private async sample(): Promise<void> {
    const now = await this.take();
    const merged = this.latest!;
    merged.at = now.at;
    merged.machine = now.machine;
    for (const [label, pids] of Object.entries(now.processes)) {
      const into = (merged.processes[label] ??= {});
      for (const [pid, t] of Object.entries(pids)) if (t > 0) into[Number(pid)] = t;
    }
  }

  async stop(): Promise<ReturnType<typeof describeCpu>> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    return describeCpu(this.first!, this.latest!);
  }
}
