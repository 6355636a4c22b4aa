import type { NatsServerProcess } from '@ticketing/common/testing';
import type { PrivatePostgres, PrivateRedis } from './infra';
import type { ReplicaPlatform } from './platform';

// What breaks, and when. A run is a number of rounds; in each round random replicas are SIGKILLed at random moments
// and started again after a short while, and one infrastructure fault happens (NATS stopped for a while, Redis
// emptied, PostgreSQL restarted), in turn.

export type InfraFault = 'nats-outage' | 'redis-flushall' | 'postgres-restart';
export type FaultKind = 'replica-kill' | InfraFault;

export interface FaultPlan {
  rounds: number;
  roundMs: number;
  killsPerRound: number;
  /** Infrastructure faults, one per round, in this order (cycled). */
  infraFaults: InfraFault[];
  natsOutageMs: number;
  /** How long a killed replica stays down before it is started again (random in this range). */
  replicaDowntimeMs: [number, number];
}

export interface FaultRecord {
  round: number;
  kind: FaultKind;
  target: string;
  /** Milliseconds since the faults began. */
  atMs: number;
  durationMs: number;
  /** During a NATS or PostgreSQL outage: the replicas that depend on it and still answered ready (should be none). */
  readyDuringOutage?: { checked: number; ready: string[] };
}

export interface Infrastructure {
  postgres: PrivatePostgres;
  nats: NatsServerProcess;
  redis: PrivateRedis;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = ([lo, hi]: [number, number]) => lo + Math.random() * (hi - lo);

export class FaultInjector {
  readonly records: FaultRecord[] = [];
  private started = 0;

  constructor(
    private readonly platform: ReplicaPlatform,
    private readonly infra: Infrastructure,
    private readonly plan: FaultPlan,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Runs every round; resolves once the last fault has been undone (everything is running again). */
  async run(): Promise<void> {
    this.started = Date.now();
    for (let round = 1; round <= this.plan.rounds; round++) {
      const roundStart = Date.now();
      const infraFault = this.plan.infraFaults[(round - 1) % this.plan.infraFaults.length];
      const work: Promise<void>[] = [];
      // Kills at random moments of the round; the infrastructure fault somewhere in its middle.
      for (let k = 0; k < this.plan.killsPerRound; k++) {
        work.push(sleep(Math.random() * this.plan.roundMs * 0.85).then(() => this.killOne(round)));
      }
      if (infraFault) {
        const length = infraFault === 'nats-outage' ? this.plan.natsOutageMs : 3000;
        const latest = Math.max(0, this.plan.roundMs - length - 2000);
        work.push(sleep(Math.min(latest, this.plan.roundMs * (0.2 + Math.random() * 0.4))).then(() => this.infraFault(round, infraFault)));
      }
      await Promise.all(work);
      await sleep(Math.max(0, roundStart + this.plan.roundMs - Date.now()));
    }
  }

  summary(): { rounds: number; byKind: Record<string, number>; killsByService: Record<string, number> } {
    const byKind: Record<string, number> = {};
    const killsByService: Record<string, number> = {};
    for (const r of this.records) {
      byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
      if (r.kind === 'replica-kill') {
        const service = r.target.split('#')[0]!;
        killsByService[service] = (killsByService[service] ?? 0) + 1;
      }
    }
    return { rounds: this.plan.rounds, byKind, killsByService };
  }

  private record(round: number, kind: FaultKind, target: string, at: number, readyDuringOutage?: FaultRecord['readyDuringOutage']): void {
    this.records.push({ round, kind, target, atMs: at - this.started, durationMs: Date.now() - at, readyDuringOutage });
    const readiness = readyDuringOutage ? `; ${readyDuringOutage.checked - readyDuringOutage.ready.length}/${readyDuringOutage.checked} dependent replicas not ready` : '';
    this.log(`round ${round}: ${kind} ${target} for ${Date.now() - at} ms${readiness}`);
  }

  /** Readiness must say "not ready" while a dependency is down (API.md, health): ask every replica that needs it. */
  private async readinessWithout(dependency: 'nats' | 'db'): Promise<FaultRecord['readyDuringOutage']> {
    const dependents = this.platform.replicas.filter((r) => r.service.needs.includes(dependency) && r.child);
    const ready = await Promise.all(dependents.map((r) => r.isReady()));
    return { checked: dependents.length, ready: dependents.filter((_, i) => ready[i]).map((r) => r.name) };
  }

  /** SIGKILL a random running replica, leave it down a moment, start it again (it becomes ready on its own). */
  private async killOne(round: number): Promise<void> {
    const running = this.platform.replicas.filter((r) => r.child && r.state !== 'killed');
    const victim = running[Math.floor(Math.random() * running.length)];
    if (!victim) return;
    const at = Date.now();
    await victim.kill();
    await sleep(between(this.plan.replicaDowntimeMs));
    victim.start();
    this.record(round, 'replica-kill', victim.name, at);
  }

  private async infraFault(round: number, kind: InfraFault): Promise<void> {
    const at = Date.now();
    if (kind === 'nats-outage') {
      await this.infra.nats.stop('SIGTERM');
      await sleep(Math.min(3000, this.plan.natsOutageMs / 2));
      const readiness = await this.readinessWithout('nats');
      await sleep(Math.max(0, at + this.plan.natsOutageMs - Date.now()));
      await this.infra.nats.start();
      this.record(round, kind, 'nats-server', at, readiness);
    } else if (kind === 'redis-flushall') {
      await this.infra.redis.flushAll();
      this.record(round, kind, 'redis-server', at);
    } else {
      await this.infra.postgres.stop();
      const down = Date.now();
      const readiness = await this.readinessWithout('db');
      await sleep(Math.max(0, down + between([500, 2500]) - Date.now()));
      await this.infra.postgres.start();
      this.record(round, kind, 'postgresql', at, readiness);
    }
  }
}
