import type { Logger } from '../../log/logger';
import type { Pool, PoolClient } from '../../db/pool';
import type { EventPayload, EventSubject, StreamKey } from '../../events/contracts';
import type { Bus } from '../connection';

/**
 * Throw from a handler to have the event redelivered later without an error log: e.g. a replica got version n+2
 * before n+1 (docs/design.md invariant 5). delayMs overrides the consumer's back-off for this redelivery.
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export interface EventContext {
  eventId: string;
  subject: EventSubject;
  /** 1 on the first delivery. */
  deliveryCount: number;
  requestId?: string;
  /** A child logger carrying eventId, subject, requestId. */
  logger: Logger;
}

export interface TxEventContext extends EventContext {
  /** The transaction that also records the event in the inbox: write through it, and only through it. */
  tx: PoolClient;
}

/** One entry per subject the consumer reads from its stream. */
export type TxHandlers = { [S in EventSubject]?: (payload: EventPayload<S>, ctx: TxEventContext) => Promise<void> };
export type PlainHandlers = { [S in EventSubject]?: (payload: EventPayload<S>, ctx: EventContext) => Promise<void> };

export interface ConsumerOptionsBase {
  bus: Bus;
  logger: Logger;
  /** The durable consumer's name: the service's name, e.g. 'tickets'. Also the inbox's consumer column. */
  service: string;
  stream: StreamKey;
  /**
   * Messages held at once (default 16 for a plain consumer, 256 for a transactional one); different aggregates run
   * concurrently, one aggregate's events one at a time.
   */
  maxInFlight?: number;
  /** Deliveries before the consumer gives up on a message (default 30, about 25 minutes with the default back-off). */
  maxDeliver?: number;
  /** Redelivery delay after the n-th failed delivery (the last entry repeats). Default 1 s, 2 s, 5 s, 10 s, 30 s, 60 s. */
  backoffMs?: number[];
  /** Server-side ack wait (default 30 s); a running handler extends it with working() so it is never redelivered mid-work. */
  ackWaitMs?: number;
  /** Test-only bugs planted on purpose by the fault suite (docs/faults.md), from validated config; never in production. */
  faults?: ConsumerFaults;
}

export interface ConsumerFaults {
  /**
   * Ack each message before its handler's transaction commits: the very bug invariant 4 forbids (a crash or rollback
   * after the ack loses the event). The fault suite switches it on to prove that its audit detects lost events.
   */
  ackBeforeCommit?: boolean;
}

export interface TxConsumerOptions extends ConsumerOptionsBase {
  pool: Pool;
  handlers: TxHandlers;
  /**
   * Transactions running at once, each applying one lane's batch (default 2). Each holds a pool connection for its
   * whole batch, so lanes × consumers must leave the service's HTTP requests enough of the pool.
   */
  lanes?: number;
  /** Events applied in one transaction at most (default 32). A lone event is applied at once, not held for company. */
  maxBatch?: number;
  /**
   * Which lane an event takes (default: its aggregate key). Must give one aggregate's events one value. Handlers that
   * lock a row other events also lock (tickets' order events all lock their ticket) should use that row's id, so two
   * batches never take those locks in opposite orders (a deadlock: PostgreSQL aborts one after deadlock_timeout, and
   * that batch is then split and retried).
   */
  laneKey?: (subject: EventSubject, payload: Record<string, unknown>) => string;
}

export interface PlainConsumerOptions extends ConsumerOptionsBase {
  handlers: PlainHandlers;
}

export interface Consumer {
  /** Stops fetching, lets the messages in hand finish (and ack), then returns. */
  stop(): Promise<void>;
}

export const DEFAULT_BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000, 60_000];
