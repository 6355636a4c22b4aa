import { listTickets } from '../../../tickets/src/data/tickets.data.js';
import { nowMs, type PgListingsJob, type RunResult } from '../protocol.mjs';
import { timeSqlCalls } from './sql-baseline.mjs';

/**
 * The baseline of "listings": the SELECT behind GET /api/tickets?limit=20 (tickets' own data-layer function, asking
 * limit + 1 rows as the domain does to know whether there is a next page), through the service's own pool (common's
 * createPool: statements prepared, planned per call) of the same size, for a fixed time.
 */
export function runPgListings(job: PgListingsJob): Promise<RunResult> {
  return timeSqlCalls(
    job,
    (_i, startedAt) => nowMs() < startedAt + job.durationMs,
    (pool) => listTickets(pool, { limit: job.limit + 1 }),
  );
}
