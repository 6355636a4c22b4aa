import type { Pool, PoolClient, Queryable } from '../../db/pool';
import type { EventSubject } from '../../events/contracts';

/** SQL of the outbox relay and the housekeeping of the bus tables (outbox, inbox). */

export interface PendingOutboxRow {
  seq: number;
  event_id: string;
  subject: EventSubject;
  payload: Record<string, unknown>;
  headers: { requestId?: string; traceparent?: string };
  occurred_at: Date;
}

// Any fixed key works: each service has its own database, and every relay replica of it must use the same key.
const RELAY_LOCK_KEY = 72_100_418;

/** Takes the relay's transaction-scoped lock; false when another relay replica holds it right now. */
export async function tryLockRelay(tx: PoolClient): Promise<boolean> {
  const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
  return rows[0]?.locked === true;
}

export async function selectPendingRows(tx: Queryable, limit: number): Promise<PendingOutboxRow[]> {
  const { rows } = await tx.query<PendingOutboxRow>(
    `SELECT seq, event_id, subject, payload, headers, occurred_at
       FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function markSent(tx: Queryable, seqs: number[]): Promise<void> {
  if (seqs.length) await tx.query('UPDATE outbox SET sent_at = now() WHERE seq = ANY($1::bigint[])', [seqs]);
}

export async function recordFailedAttempt(tx: Queryable, seqs: number[], error: string): Promise<void> {
  if (seqs.length) {
    await tx.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])', [seqs, error.slice(0, 1000)]);
  }
}

/** Records a failed attempt on the oldest pending row (the one everything waits for); no-op when nothing is pending. */
export async function recordFailedAttemptOnHead(db: Queryable, error: string): Promise<void> {
  await db.query(
    `UPDATE outbox SET attempts = attempts + 1, last_error = $1
      WHERE seq = (SELECT min(seq) FROM outbox WHERE sent_at IS NULL)`,
    [error.slice(0, 1000)],
  );
}

const PRUNE_CHUNK = 5000;

/**
 * Deletes sent outbox rows and inbox rows older than their retention, in chunks so no single statement holds locks
 * long. Inbox rows only have to outlive any redelivery of their event (ack wait × max deliver, minutes); days is ample.
 */
export async function pruneBusTables(pool: Pool, opts: { outboxRetentionMs: number; inboxRetentionMs: number }): Promise<{ outbox: number; inbox: number }> {
  let outbox = 0;
  let inbox = 0;
  for (;;) {
    const r = await pool.query(
      `DELETE FROM outbox WHERE seq IN (
         SELECT seq FROM outbox WHERE sent_at < now() - make_interval(secs => $1::double precision / 1000) LIMIT $2)`,
      [opts.outboxRetentionMs, PRUNE_CHUNK],
    );
    outbox += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < PRUNE_CHUNK) break;
  }
  for (;;) {
    const r = await pool.query(
      `DELETE FROM inbox WHERE (consumer, event_id) IN (
         SELECT consumer, event_id FROM inbox WHERE processed_at < now() - make_interval(secs => $1::double precision / 1000) LIMIT $2)`,
      [opts.inboxRetentionMs, PRUNE_CHUNK],
    );
    inbox += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < PRUNE_CHUNK) break;
  }
  return { outbox, inbox };
}
