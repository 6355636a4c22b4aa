import pg from 'pg';
import type { Logger } from '../log/logger';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. Data functions take this. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

// BIGINT (int8) counts and sums come back as strings by default; our values fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PoolOptions {
  max?: number;
  applicationName?: string;
}

export function createPool(connectionString: string, logger: Logger, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    application_name: opts.applicationName,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
  });
  // An idle client losing its connection (database restart) must not crash the process; the pool replaces it.
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection lost; the pool will reconnect'));
  // pg-pool listens only while a client is idle. A checked-out client between queries (a transaction waiting on NATS,
  // a handler between statements) losing its connection would emit 'error' with no listener and kill the process;
  // its holder sees the failure on its next query anyway, and the pool discards it on release (not queryable).
  pool.on('connect', (client) => client.on('error', (err) => logger.warn({ err: err.message }, 'database connection lost while in use; its work fails and is retried')));
  return pool;
}

export async function pingDatabase(pool: Pick<pg.Pool, 'query'>): Promise<void> {
  await pool.query('SELECT 1');
}
