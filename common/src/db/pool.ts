import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log/logger';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. Data functions take this. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

// BIGINT (int8) counts and sums come back as strings by default; our values fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Distinct statement texts that get prepared; beyond it statements run unprepared. Our data layers use a bounded set
 * of texts (a few dozen per service, arrays go through ANY($1)); the cap only guards against a future caller building
 * SQL per request, which would otherwise grow every connection's plan cache without end.
 */
const MAX_PREPARED_TEXTS = 500;
const statementNames = new Map<string, string>();

function statementNameFor(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED_TEXTS) {
    name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Runs every parameterised statement as a named prepared statement: PostgreSQL parses it once per connection instead
 * of on every call (event handlers and order creation repeat the same handful of statements thousands of times a
 * second). Plans are still made for each call's values (plan_cache_mode = force_custom_plan, set in createPool): with
 * PostgreSQL's default, after five calls a statement may switch to a generic plan chosen without the values, and in
 * the benchmark that made order creation and event handling several times slower as tables grew
 * (docs/performance.md). Statements without parameters (BEGIN, COMMIT, migrations) keep the simple protocol.
 * Not for a transaction-pooling proxy in front of PostgreSQL (a prepared statement lives in one server connection).
 */
class PreparingClient extends pg.Client {}
const plainQuery = pg.Client.prototype.query;
(PreparingClient.prototype as { query: unknown }).query = function query(this: pg.Client, config: unknown, values?: unknown, callback?: unknown) {
  if (typeof config === 'string' && Array.isArray(values)) {
    const name = statementNameFor(config);
    if (name) return (plainQuery as (...args: unknown[]) => unknown).call(this, { name, text: config, values }, callback);
  }
  return (plainQuery as (...args: unknown[]) => unknown).call(this, config, values, callback);
};

export interface PoolOptions {
  max?: number;
  applicationName?: string;
}

export function createPool(connectionString: string, logger: Logger, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    Client: PreparingClient,
    options: '-c plan_cache_mode=force_custom_plan',
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
