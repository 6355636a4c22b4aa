import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@ticketing/common';
import { expirationEventId } from './expiration-event-id';
import { HOLD_RETRY_BACKOFF, type HoldJobData, type HoldTimers } from './hold-timers';

/** Publishes expiration.completed and resolves only once JetStream has acknowledged it. */
export type PublishExpiration = (orderId: string, eventId: string) => Promise<void>;

export interface ExpirationWorkerOptions {
  /** A connection with maxRetriesPerRequest = null, as BullMQ requires for workers; the worker duplicates it for blocking. */
  connection: Redis;
  timers: HoldTimers;
  prefix: string;
  queueName: string;
  concurrency: number;
  publish: PublishExpiration;
  logger: Logger;
  /** Retry delays double from retryBaseMs up to retryCapMs, so publishing resumes within retryCapMs of NATS returning. */
  retryBaseMs?: number;
  retryCapMs?: number;
}

export type HoldOutcome = { published: true } | { published: false; ended: 'cancelled' | 'completed' | 'expired' };

/** Capped exponential with ±20% jitter, so a burst of holds that failed together does not retry in lockstep. */
export function retryDelayMs(attemptsMade: number, baseMs: number, capMs: number): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
}

/**
 * Fires holds: publishes expiration.completed with an id derived from the order id, then remembers the order as
 * expired. A job completes only after the PubAck, so a publish that fails (NATS down, no ack) fails the attempt and
 * BullMQ retries it; a publish that succeeded but whose completion was lost is repeated with the same event id,
 * which JetStream drops as a duplicate (and orders ignores an expiration for an order that is no longer `created`).
 */
export function startExpirationWorker(opts: ExpirationWorkerOptions): Worker<HoldJobData, HoldOutcome> {
  const { timers, publish, logger } = opts;
  const retryBaseMs = opts.retryBaseMs ?? 250;
  const retryCapMs = opts.retryCapMs ?? 5000;

  const fire = async (job: Job<HoldJobData, HoldOutcome>): Promise<HoldOutcome> => {
    const { orderId, expiresAt } = job.data;
    const ended = await timers.endOf(orderId);
    if (ended) {
      logger.debug({ orderId, ended }, 'hold already ended; nothing to publish');
      return { published: false, ended };
    }
    await publish(orderId, expirationEventId(orderId));
    await timers.markEnded(orderId, 'expired');
    logger.info({ orderId, expiresAt, lateMs: Date.now() - Date.parse(expiresAt), attempt: job.attemptsMade + 1 }, 'hold expired');
    return { published: true };
  };

  const worker = new Worker<HoldJobData, HoldOutcome>(opts.queueName, fire, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    // A crash mid-publish leaves the job active with a lock nobody renews: it is retried once the lock expires and a
    // stalled check sees it (≤ lockDuration + stalledInterval, 15 s instead of BullMQ's 60 s), never failed after the
    // default single stall. Publishing takes milliseconds (5 s at most), and the lock is renewed meanwhile anyway.
    maxStalledCount: 1_000,
    lockDuration: 10_000,
    stalledInterval: 5_000,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) => {
        if (type !== HOLD_RETRY_BACKOFF) throw new Error(`unknown back-off strategy ${type}`);
        return retryDelayMs(attemptsMade, retryBaseMs, retryCapMs);
      },
    },
  });
  worker.on('failed', (job, err) => {
    logger.warn({ err, orderId: job?.data.orderId, attemptsMade: job?.attemptsMade }, 'could not publish expiration; retrying');
  });
  worker.on('error', (err) => logger.error({ err }, 'expiration worker error'));
  return worker;
}
