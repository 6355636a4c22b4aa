import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@ticketing/common';

/** What a timer carries: enough to publish the event and to log how late it fired. */
export interface HoldJobData {
  orderId: string;
  /** ISO time the hold ends. */
  expiresAt: string;
}

export interface Hold {
  orderId: string;
  expiresAt: Date;
}

/** Why an order needs no timer any more. */
export type HoldEnd = 'cancelled' | 'completed' | 'expired';

export const HOLD_JOB_NAME = 'hold-expiry';
/** The name of the custom back-off strategy the worker registers (see expiration-worker.ts). */
export const HOLD_RETRY_BACKOFF = 'capped-exponential';

export interface HoldTimersOptions {
  /** Queue-level connection (commands, not blocking); also used for the done markers. */
  redis: Redis;
  prefix: string;
  queueName: string;
  /**
   * How long an ended order is remembered, so a late or redelivered order.created schedules nothing. It must outlast
   * every way such a duplicate can arrive: redelivery, and recovery's replay window.
   */
  doneTtlSeconds: number;
  logger: Logger;
}

/** Redis keys besides BullMQ's own, under the same prefix so one FLUSH or one test prefix covers them all. */
export function holdKeys(prefix: string, queueName: string) {
  const base = `${prefix}:${queueName}`;
  return {
    done: (orderId: string) => `${base}:done:${orderId}`,
    stateMarker: `${base}:state-marker`,
    recoveryToken: `${base}:recovery-token`,
  };
}

/**
 * One delayed BullMQ job per held order, job id = order id: BullMQ ignores an add whose id exists, so a redelivered
 * order.created schedules nothing new. A done marker per ended order covers what BullMQ cannot see once the job is
 * gone (removed on cancellation, or completed and removed after firing).
 */
export class HoldTimers {
  readonly queue: Queue<HoldJobData>;
  readonly keys: ReturnType<typeof holdKeys>;
  private readonly redis: Redis;
  private readonly doneTtlSeconds: number;
  private readonly logger: Logger;

  constructor(opts: HoldTimersOptions) {
    this.redis = opts.redis;
    this.doneTtlSeconds = opts.doneTtlSeconds;
    this.logger = opts.logger;
    this.keys = holdKeys(opts.prefix, opts.queueName);
    this.queue = new Queue<HoldJobData>(opts.queueName, { connection: opts.redis, prefix: opts.prefix });
    // Without a listener an 'error' event would crash the process; ioredis reconnects by itself.
    this.queue.on('error', (err) => this.logger.warn({ err }, 'queue connection error'));
  }

  private jobOptions(hold: Hold, now: number): JobsOptions {
    return {
      jobId: hold.orderId,
      delay: Math.max(0, hold.expiresAt.getTime() - now),
      // Publishing fails only while NATS is unreachable; keep trying for as long as that lasts (with the back-off
      // capped, a million attempts is years), rather than give up and leave the hold to orders' lazy check.
      attempts: 1_000_000,
      backoff: { type: HOLD_RETRY_BACKOFF },
      // The done marker (written before completion) is what stops a late duplicate; the job itself need not stay.
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  /** Schedules the hold's timer unless the order already ended. Safe to call any number of times for one order. */
  async schedule(hold: Hold): Promise<'scheduled' | HoldEnd> {
    const ended = await this.endOf(hold.orderId);
    if (ended) return ended;
    await this.queue.add(HOLD_JOB_NAME, { orderId: hold.orderId, expiresAt: hold.expiresAt.toISOString() }, this.jobOptions(hold, Date.now()));
    // The order may have ended between the check and the add (its cancellation handled concurrently): undo.
    const endedMeanwhile = await this.endOf(hold.orderId);
    if (endedMeanwhile) {
      await this.queue.remove(hold.orderId);
      return endedMeanwhile;
    }
    return 'scheduled';
  }

  /** Recovery's bulk variant: one round trip per chunk for the markers, one addBulk per chunk for the jobs. */
  async scheduleMany(holds: Hold[], chunkSize = 500): Promise<{ scheduled: number; alreadyEnded: number }> {
    let scheduled = 0;
    let alreadyEnded = 0;
    for (let i = 0; i < holds.length; i += chunkSize) {
      const chunk = holds.slice(i, i + chunkSize);
      const ended = await this.endsOf(chunk.map((h) => h.orderId));
      const open = chunk.filter((_h, j) => ended[j] === null);
      alreadyEnded += chunk.length - open.length;
      const now = Date.now();
      await this.queue.addBulk(
        open.map((h) => ({ name: HOLD_JOB_NAME, data: { orderId: h.orderId, expiresAt: h.expiresAt.toISOString() }, opts: this.jobOptions(h, now) })),
      );
      const endedMeanwhile = await this.endsOf(open.map((h) => h.orderId));
      const undo = open.filter((_h, j) => endedMeanwhile[j] !== null);
      for (const h of undo) await this.queue.remove(h.orderId);
      scheduled += open.length - undo.length;
      // Ended while we scheduled (another replica rebuilding at the same time fired it): ended all the same.
      alreadyEnded += undo.length;
    }
    return { scheduled, alreadyEnded };
  }

  /**
   * The order was cancelled or completed: remember it (first, so a concurrent schedule undoes itself) and drop the
   * timer. A timer that is firing right now cannot be removed; the worker checks the marker before publishing.
   */
  async end(orderId: string, reason: Exclude<HoldEnd, 'expired'>): Promise<void> {
    await this.markEnded(orderId, reason);
    await this.queue.remove(orderId);
  }

  /** Remembers an ended order; an existing marker is kept, so 'expired' never hides a cancellation or the reverse. */
  async markEnded(orderId: string, reason: HoldEnd): Promise<void> {
    await this.redis.set(this.keys.done(orderId), reason, 'EX', this.doneTtlSeconds, 'NX');
  }

  /** Recovery's bulk variant of markEnded. */
  async markManyEnded(ended: Array<{ orderId: string; reason: HoldEnd }>, chunkSize = 1000): Promise<void> {
    for (let i = 0; i < ended.length; i += chunkSize) {
      const pipeline = this.redis.pipeline();
      for (const e of ended.slice(i, i + chunkSize)) pipeline.set(this.keys.done(e.orderId), e.reason, 'EX', this.doneTtlSeconds, 'NX');
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    }
  }

  async endOf(orderId: string): Promise<HoldEnd | null> {
    return (await this.redis.get(this.keys.done(orderId))) as HoldEnd | null;
  }

  private async endsOf(orderIds: string[]): Promise<Array<HoldEnd | null>> {
    if (orderIds.length === 0) return [];
    return (await this.redis.mget(orderIds.map((id) => this.keys.done(id)))) as Array<HoldEnd | null>;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
