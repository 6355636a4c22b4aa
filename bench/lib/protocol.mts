// What the orchestrator (bench/run.mts) asks of the load process (bench/lib/worker.mts), and what comes back.
// Everything crosses an IPC channel, so plain data only.

/** One HTTP request to send. */
export interface HttpItem {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** JSON text; sent with Content-Type: application/json. */
  body?: string;
  cookie?: string;
}

/**
 * One finished operation: [item index, HTTP status (0: connection error or timeout; 1: a baseline operation that
 * succeeded; 2: one that failed), latency in ms, end time in ms since the epoch (sub-millisecond, comparable across
 * processes on this machine)].
 */
export type Sample = [number, number, number, number];

export interface RunResult {
  /** When the first operation was started / the last one ended (ms since the epoch). */
  startedAt: number;
  finishedAt: number;
  samples: Sample[];
  /** Response bodies by item index, when asked for (seeding reads the ids it created). */
  bodies?: Record<number, string>;
}

/** Closed loop (autocannon): `connections` connections, each sending its next request when the previous one is answered. */
export interface HttpClosedJob {
  kind: 'http-closed';
  url: string;
  connections: number;
  /** Total requests; or durationSec. Item i is used for the i-th request (wrapping around). */
  amount?: number;
  durationSec?: number;
  items: HttpItem[];
  keepBodies?: boolean;
  timeoutSec?: number;
}

/** Open loop: request i is due at start + i / ratePerSec whatever happened to earlier ones; latency counts from then. */
export interface HttpOpenJob {
  kind: 'http-open';
  url: string;
  ratePerSec: number;
  count: number;
  items: HttpItem[];
  /** Sockets the sender may open; requests beyond wait in the sender (and that wait counts as latency). */
  maxSockets: number;
  timeoutMs: number;
  /** Send samples to the orchestrator as they arrive (every few ms), for scenarios that watch effects live. */
  streamProgress?: boolean;
}

/** The orders service's POST /api/orders transaction, issued directly with pg (see load/pg-orders.mts). */
export interface PgOrdersJob {
  kind: 'pg-orders';
  databaseUrl: string;
  poolSize: number;
  concurrency: number;
  /** One order per entry: k tickets of the listing, by that buyer. */
  orders: Array<{ listingId: string; buyerId: string }>;
  quantity: number;
  holdSeconds: number;
}

/** The tickets service's SELECTs behind an event's page of listings, issued directly with pg for durationMs. */
export interface PgListingsJob {
  kind: 'pg-listings';
  databaseUrl: string;
  eventId: string;
  poolSize: number;
  concurrency: number;
  durationMs: number;
  limit: number;
}

/** Bare JetStream: publish at ratePerSec to a stream of our own, a pull consumer receives; latency publish → receipt. */
export interface JetStreamRoundTripJob {
  kind: 'jetstream-roundtrip';
  natsUrl: string;
  streamName: string;
  ratePerSec: number;
  count: number;
  payloadBytes: number;
}

/** Bare BullMQ: `count` delayed jobs due within spreadMs, starting leadMs from now; lateness = handler start − due. */
export interface BullmqLatenessJob {
  kind: 'bullmq-lateness';
  redisUrl: string;
  prefix: string;
  count: number;
  spreadMs: number;
  leadMs: number;
  concurrency: number;
}

export type Job = HttpClosedJob | HttpOpenJob | PgOrdersJob | PgListingsJob | JetStreamRoundTripJob | BullmqLatenessJob;

export type WorkerMessage = { type: 'progress'; samples: Sample[] } | { type: 'result'; result: RunResult } | { type: 'error'; message: string };

/** Wall-clock milliseconds with sub-millisecond resolution; comparable between processes of one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A run's result from its samples: finished when the last of them ended (or at the start, if none did). */
export function resultOf(startedAt: number, samples: Sample[]): RunResult {
  return { startedAt, finishedAt: samples.reduce((max, s) => Math.max(max, s[3]), startedAt), samples };
}
