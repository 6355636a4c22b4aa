import type { FaultPlan, InfraFault } from './faults';

/** How big a run is: replicas, hold window, workload, fault rounds. */
export interface Profile {
  name: string;
  replicas: number;
  holdSeconds: number;
  concurrency: number;
  initialUsers: number;
  faults: FaultPlan;
  /** Give the platform this long to settle after the faults; a run that does not settle is audited anyway. */
  quietTimeoutMs: number;
  /** Test-only bug switched on in every service (common's consumer): TICKETING_FAULT_INJECTION. */
  faultInjection?: 'ack-before-commit';
  delivery: DeliveryPlan;
}

/**
 * Delivery in the run. DELIVERY_CUTOFF_HOURS is `cutoffSeconds` for every service: the workload's usual events start a
 * month ahead, so their deadlines stay far beyond the run; one more event (whose sellers never deliver) starts
 * `noShowDeadlineAfterMs` + the cutoff after it is scheduled, so its deadline passes while the faults go on.
 */
export interface DeliveryPlan {
  cutoffSeconds: number;
  noShowDeadlineAfterMs: number;
  /** Share of listings sold `instant`. */
  instantShare: number;
}

const DELIVERY: DeliveryPlan = { cutoffSeconds: 30, noShowDeadlineAfterMs: 30_000, instantShare: 0.4 };

/** A soak: every infrastructure fault in turn, one per round, while replicas are killed and restarted throughout. */
function soak(p: Omit<Profile, 'faults' | 'faultInjection' | 'delivery'> & Omit<FaultPlan, 'infraFaults'> & { delivery?: DeliveryPlan }): Profile {
  const { rounds, roundMs, killsPerRound, natsOutageMs, replicaDowntimeMs, delivery = DELIVERY, ...run } = p;
  const infraFaults: InfraFault[] = ['nats-outage', 'postgres-restart', 'redis-flushall'];
  return { ...run, delivery, faults: { rounds, roundMs, killsPerRound, infraFaults, natsOutageMs, replicaDowntimeMs } };
}

/** In `npm test`: 2 replicas of everything, 3 rounds (one of each infrastructure fault), ~1 minute of faults. */
export const SHORT = soak({
  name: 'short', replicas: 2, holdSeconds: 4, concurrency: 4, initialUsers: 10, quietTimeoutMs: 120_000,
  rounds: 3, roundMs: 20_000, killsPerRound: 2, natsOutageMs: 8000, replicaDowntimeMs: [300, 2500],
});

/** `npm run test:faults` (FAULTS_PROFILE=long): 3 replicas, 12 rounds of 40 s, 25 s NATS outages; ~12 minutes. */
export const LONG = soak({
  name: 'long', replicas: 3, holdSeconds: 5, concurrency: 6, initialUsers: 20, quietTimeoutMs: 180_000,
  rounds: 12, roundMs: 40_000, killsPerRound: 4, natsOutageMs: 25_000, replicaDowntimeMs: [300, 5000],
  delivery: { ...DELIVERY, noShowDeadlineAfterMs: 90_000 },
});

/**
 * The detector's own test: the injected ack-before-commit bug under load, with three PostgreSQL restarts (each fails
 * every handler in flight, after its message was already acked) and a kill per round.
 */
export const INJECTED_BUG: Profile = {
  name: 'ack-before-commit',
  replicas: 2,
  holdSeconds: 3,
  concurrency: 4,
  initialUsers: 8,
  faults: {
    rounds: 3,
    roundMs: 7000,
    killsPerRound: 1,
    infraFaults: ['postgres-restart'],
    natsOutageMs: 0,
    replicaDowntimeMs: [300, 1000],
  },
  // Lost events can leave holds that never end, so quiet may never come: do not wait long for it.
  quietTimeoutMs: 20_000,
  faultInjection: 'ack-before-commit',
  // The no-show deadline passes in the middle of its faults: delivery.missed, the refund and the payout's cancellation
  // are there to be lost too.
  delivery: { ...DELIVERY, noShowDeadlineAfterMs: 12_000 },
};

export function profileFromEnv(env = process.env): Profile {
  const name = env.FAULTS_PROFILE ?? 'short';
  if (name === 'short') return SHORT;
  if (name === 'long') return LONG;
  throw new Error(`FAULTS_PROFILE must be short or long, not "${name}"`);
}
