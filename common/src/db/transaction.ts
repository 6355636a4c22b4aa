import type pg from 'pg';

/**
 * Every transaction in the project goes through here, so one rule decides what happens to a connection after a
 * failure: a client whose ROLLBACK failed is in an unknown state (its connection broke, or stopped answering and a
 * statement is still in flight on it), so it is destroyed, never handed to the next caller. pg-pool drops a client
 * whose socket closed on its own; one that merely stopped answering it would keep, and every later transaction on it
 * would queue behind the unanswered statement.
 */

export interface TransactionOptions<T> {
  /**
   * Decides from fn's result whether to COMMIT or ROLLBACK (default: always COMMIT). For work that finds, part-way,
   * that there is nothing to keep (an event already in the inbox) without it being an error: the result is still
   * returned.
   */
  commitIf?: (result: T) => boolean;
}

/** Clients a failed ROLLBACK left in an unknown state: withClient releases them with the error, so the pool destroys them. */
const brokenClients = new WeakMap<pg.PoolClient, Error>();

/**
 * Runs fn with a client of its own from the pool, for work that needs one connection across several transactions
 * (a session-level lock held through them); the client goes back to the pool afterwards, or is destroyed if a
 * transaction on it (transactionOn) left it broken.
 */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release(brokenClients.get(client));
  }
}

/**
 * BEGIN, fn, COMMIT on a client checked out with withClient; any throw (fn's, or COMMIT's) rolls back and rethrows.
 * If that ROLLBACK fails too, the client is marked broken and withClient destroys it on release.
 */
export async function transactionOn<T>(client: pg.PoolClient, fn: (tx: pg.PoolClient) => Promise<T>, opts: TransactionOptions<T> = {}): Promise<T> {
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query(opts.commitIf && !opts.commitIf(result) ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
      brokenClients.set(client, rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr)));
    });
    throw err;
  }
}

/** Runs fn inside BEGIN/COMMIT on a client of its own; any throw rolls back and rethrows (see transactionOn). */
export function withTransaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>, opts: TransactionOptions<T> = {}): Promise<T> {
  return withClient(pool, (client) => transactionOn(client, fn, opts));
}

/** Postgres error codes the domain reacts to. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_SERIALIZATION_FAILURE = '40001';

export function isPgError(err: unknown, code: string, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: string; constraint?: string };
  return e.code === code && (constraint === undefined || e.constraint === constraint);
}
