import { browseEventListings } from '../../../tickets/src/domain/listings.domain.js';
import { nowMs, type PgListingsJob, type RunResult } from '../protocol.mjs';
import { timeSqlCalls } from './sql-baseline.mjs';

/**
 * The baseline of "listings": what GET /api/listings?eventId=&limit=20 asks the database (tickets' own
 * browseEventListings: the event's cheapest active listings, limit + 1 rows to know whether there is a next page, then
 * their tickets and their event), through the service's own pool (common's createPool: statements prepared, planned
 * per call) of the same size, for a fixed time.
 */
export function runPgListings(job: PgListingsJob): Promise<RunResult> {
  return timeSqlCalls(
    job,
    (_i, startedAt) => nowMs() < startedAt + job.durationMs,
    (pool) => browseEventListings(pool, { eventId: job.eventId, limit: job.limit }),
  );
}
