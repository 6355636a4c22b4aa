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
  /**
   * Readiness during an outage (docs/operations.md): through a NATS outage every running replica stays ready (it can
   * serve: the outbox and retries absorb the bus); through a PostgreSQL restart the replicas that need it are not.
   * `wrong` lists the replicas that answered otherwise (should be none).
   */
  readinessDuringOutage?: { expected: 'ready' | 'unready'; checked: number; wrong: string[] };
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

  private record(round: number, kind: FaultKind, target: string, at: number, readinessDuringOutage?: FaultRecord['readinessDuringOutage']): void {
    this.records.push({ round, kind, target, atMs: at - this.started, durationMs: Date.now() - at, readinessDuringOutage });
    const r = readinessDuringOutage;
    const readiness = r ? `; ${r.checked - r.wrong.length}/${r.checked} replicas ${r.expected} as they should be` : '';
    this.log(`round ${round}: ${kind} ${target} for ${Date.now() - at} ms${readiness}`);
  }

  /**
   * Readiness means "can serve requests": ask the replicas that were up when the outage began. A replica killed (by
   * this suite) while being asked is left out, it says nothing about readiness.
   */
  private async readinessWithout(dependency: 'nats' | 'db'): Promise<FaultRecord['readinessDuringOutage']> {
    const expected = dependency === 'nats' ? 'ready' : 'unready';
    const asked = this.platform.replicas.filter((r) => r.child && r.state === 'ready' && (dependency === 'nats' || r.service.needs.includes(dependency)));
    const answers = await Promise.all(asked.map(async (r) => ({ r, child: r.child, ready: await r.isReady() })));
    const still = answers.filter((a) => a.r.child === a.child && a.r.state === 'ready');
    return { expected, checked: still.length, wrong: still.filter((a) => a.ready !== (expected === 'ready')).map((a) => a.r.name) };
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
