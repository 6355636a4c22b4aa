import pg from 'pg';
import type { Status } from '@nats-io/transport-node';
import type { Pool } from '../../db/pool';
import { withTransaction } from '../../db/transaction';
import type { Logger } from '../../log/logger';
import { streamOf } from '../../events/contracts';
import type { Bus } from '../connection';
import { buildEventHeaders } from '../event-headers';
import { markSent, pruneBusTables, recordFailedAttempt, recordFailedAttemptOnHead, selectPendingRows, tryLockRelay, type PendingOutboxRow } from './store';
import { ensureStreams } from '../streams';
import { backoffDelay, errorMessage, sleep, Waker } from '../timing';

export interface OutboxRelayOptions {
  pool: Pool;
  bus: Bus;
  logger: Logger;
  /** Safety net besides LISTEN/NOTIFY (default 1000 ms). */
  pollIntervalMs?: number;
  /** Rows published per transaction (default 500). */
  batchSize?: number;
  /** Sent outbox rows are deleted after this (default 24 h). */
  retentionMs?: number;
  /** Inbox rows are deleted after this (default 7 days). */
  inboxRetentionMs?: number;
  /** How often pruning runs (default 60 s). */
  pruneIntervalMs?: number;
  /** Longest wait between retries while NATS or PostgreSQL is failing (default 30 s). */
  maxRetryDelayMs?: number;
  /** Tests only: runs after the stream acknowledged a batch and before it is marked sent (crash-window tests). */
  testHooks?: { afterPublish?: (rows: PendingOutboxRow[]) => Promise<void> | void };
}

export interface OutboxRelay {
  /** Finishes the current batch, stops listening, releases its connections. */
  stop(): Promise<void>;
}

type BatchOutcome = { kind: 'published'; count: number; full: boolean } | { kind: 'locked' } | { kind: 'failed'; error: string };

/**
 * Publishes committed outbox rows to JetStream (docs/design.md invariant 4), each with Nats-Msg-Id = event id, marking a row
 * sent only after the stream acknowledged it. A crash between the two republishes the row; JetStream drops the copy
 * (duplicate window) and consumers' inboxes drop anything older.
 *
 * Replicas: each batch runs in one transaction that first takes pg_try_advisory_xact_lock, so at any moment one relay
 * publishes and the others stand by (they get the lock on their next wake-up if the leader dies: the lock dies with its
 * session). Why this and not per-row SKIP LOCKED: per-aggregate order needs "no earlier unsent row of this aggregate is
 * being published elsewhere", which with row claims means claiming only each aggregate's head row per round (a burst on
 * one ticket would go out one row per round trip). With one publisher at a time, a batch is just the oldest N rows in
 * seq order, published pipelined on one connection (the stream stores them in send order) and marked sent with one
 * UPDATE: thousands of events/s from one relay, which is far beyond what one service's outbox produces. Replicas are
 * for availability, not throughput.
 *
 * Order: rows of one aggregate are written by transactions serialised on that aggregate's row lock, so their seq order
 * is their commit order. If a publish in a batch fails, only the rows before the first failure are marked sent; later
 * ones are published again next time (JetStream drops the copies as duplicates).
 */
export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const { pool, bus } = opts;
  const logger = opts.logger.child({ component: 'outbox-relay' });
  const pollIntervalMs = opts.pollIntervalMs ?? 1000;
  const batchSize = opts.batchSize ?? 500;
  const retentionMs = opts.retentionMs ?? 24 * 3600_000;
  const inboxRetentionMs = opts.inboxRetentionMs ?? 7 * 24 * 3600_000;
  const pruneIntervalMs = opts.pruneIntervalMs ?? 60_000;
  const maxRetryDelayMs = opts.maxRetryDelayMs ?? 30_000;

  const stopper = new AbortController();
  const rowsWaker = new Waker(); // NOTIFY outbox, poll
  const natsWaker = new Waker(); // NATS reconnected: cut a retry back-off short

  const statuses = bus.nc.status() as AsyncIterable<Status> & { stop?: () => void };
  void (async () => {
    for await (const s of statuses) if (s.type === 'reconnect') natsWaker.wake();
  })().catch(() => undefined);

  async function runBatch(): Promise<BatchOutcome> {
    if (!bus.isConnected()) {
      const error = 'NATS connection is down';
      await recordFailedAttemptOnHead(pool, error).catch(() => undefined);
      return { kind: 'failed', error };
    }
    let checkedOut = false;
    try {
      return await withTransaction(pool, async (tx): Promise<BatchOutcome> => {
        checkedOut = true;
        if (!(await tryLockRelay(tx))) return { kind: 'locked' };
        const rows = await selectPendingRows(tx, batchSize);
        const results = await Promise.allSettled(rows.map((row) => publishRow(row)));
        const firstFailure = results.findIndex((r) => r.status === 'rejected');
        const sent = firstFailure === -1 ? rows : rows.slice(0, firstFailure);
        if (sent.length && opts.testHooks?.afterPublish) await opts.testHooks.afterPublish(sent);
        await markSent(
          tx,
          sent.map((r) => r.seq),
        );
        if (firstFailure === -1) return { kind: 'published', count: rows.length, full: rows.length === batchSize };
        // The rows before the first failure stay marked sent: this transaction commits with the failure recorded.
        const failed = rows.filter((_, i) => results[i]!.status === 'rejected');
        const error = errorMessage((results[firstFailure] as PromiseRejectedResult).reason);
        await recordFailedAttempt(
          tx,
          failed.map((r) => r.seq),
          error,
        );
        if (/no responders|stream not found|503/i.test(error)) await recreateStreams(failed);
        return { kind: 'failed', error };
      });
    } catch (err) {
      return { kind: 'failed', error: checkedOut ? errorMessage(err) : `database unreachable: ${errorMessage(err)}` };
    }
  }

  async function publishRow(row: PendingOutboxRow): Promise<void> {
    // A duplicate ack is success: the stream already holds this event from an earlier attempt.
    await bus.js.publish(bus.subject(row.subject), JSON.stringify(row.payload), {
      msgID: row.event_id,
      headers: buildEventHeaders({
        eventId: row.event_id,
        subject: row.subject,
        occurredAt: row.occurred_at,
        requestId: row.headers.requestId,
        traceparent: row.headers.traceparent,
      }),
      timeout: 5000,
    });
  }

  // "No responders" means no stream captures the subject: NATS lost its store, or the stream was deleted.
  async function recreateStreams(rows: PendingOutboxRow[]): Promise<void> {
    const keys = [...new Set(rows.map((r) => streamOf(r.subject)))];
    await ensureStreams(bus, keys).then(
      () => logger.warn({ streams: keys }, 'stream was missing; recreated it'),
      (err: unknown) => logger.warn({ err, streams: keys }, 'could not recreate missing streams'),
    );
  }

  let lastPrune = 0;
  async function pruneIfDue(): Promise<void> {
    if (Date.now() - lastPrune < pruneIntervalMs) return;
    lastPrune = Date.now();
    try {
      const pruned = await pruneBusTables(pool, { outboxRetentionMs: retentionMs, inboxRetentionMs });
      if (pruned.outbox || pruned.inbox) logger.info(pruned, 'pruned old outbox and inbox rows');
    } catch (err) {
      logger.warn({ err }, 'pruning the outbox/inbox failed; will retry');
    }
  }

  const mainLoop = (async () => {
    let failures = 0;
    while (!stopper.signal.aborted) {
      const outcome = await runBatch();
      if (outcome.kind === 'failed') {
        const delayMs = backoffDelay(failures, 200, maxRetryDelayMs);
        failures++;
        logger.warn({ attempt: failures, retryInMs: delayMs, err: outcome.error }, 'publishing outbox events failed; rows kept, will retry');
        await natsWaker.wait(delayMs, stopper.signal);
        continue;
      }
      if (failures > 0) logger.info({ afterAttempts: failures }, 'outbox relay recovered');
      failures = 0;
      if (outcome.kind === 'published' && outcome.count) logger.debug({ count: outcome.count }, 'published outbox events');
      await pruneIfDue();
      if (outcome.kind === 'published' && outcome.full) continue;
      await rowsWaker.wait(pollIntervalMs, stopper.signal);
    }
  })();

  const listenLoop = listenForOutbox(pool, rowsWaker, stopper.signal, logger);

  let stopping: Promise<void> | undefined;
  return {
    stop: () => {
      stopping ??= (async () => {
        stopper.abort();
        statuses.stop?.();
        natsWaker.wake();
        rowsWaker.wake();
        await Promise.all([mainLoop, listenLoop]);
        logger.info('outbox relay stopped');
      })();
      return stopping;
    },
  };
}

/** LISTEN outbox on a connection of its own (outside the pool), reconnecting with back-off; wakes the relay on NOTIFY. */
async function listenForOutbox(pool: Pool, waker: Waker, signal: AbortSignal, logger: Logger): Promise<void> {
  let attempt = 0;
  while (!signal.aborted) {
    const client = new pg.Client({ ...pool.options, application_name: 'outbox-relay-listener' } as pg.ClientConfig);
    const lost = new Promise<unknown>((resolve) => {
      client.on('error', resolve);
      client.on('end', () => resolve(new Error('connection ended')));
      signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    try {
      await client.connect();
      client.on('notification', () => waker.wake());
      await client.query('LISTEN outbox');
      if (attempt > 0) logger.info('outbox LISTEN connection restored');
      attempt = 0;
      waker.wake(); // rows committed while we were not listening
      const err = await lost;
      if (err && !signal.aborted) logger.warn({ err: errorMessage(err) }, 'outbox LISTEN connection lost; reconnecting (polling meanwhile)');
    } catch (err) {
      if (!signal.aborted) logger.warn({ err: errorMessage(err), attempt }, 'cannot LISTEN for outbox notifications; retrying (polling meanwhile)');
    } finally {
      await client.end().catch(() => undefined);
    }
    if (!signal.aborted) await sleep(backoffDelay(attempt++, 500, 10_000), signal);
  }
}
