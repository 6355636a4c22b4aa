import { createLogger, createPool } from '@ticketing/common';
import { listTickets } from '../../../tickets/src/data/tickets.data.js';
import { nowMs, type PgListingsJob, type RunResult, type Sample } from '../protocol.mjs';

/**
 * The baseline of "listings": the SELECT behind GET /api/tickets?limit=20 (tickets' own data-layer function, asking
 * limit + 1 rows as the domain does to know whether there is a next page), through the service's own pool (common's
 * createPool: statements prepared, planned per call) of the same size, for a fixed time.
 */
export async function runPgListings(job: PgListingsJob): Promise<RunResult> {
  const pool = createPool(job.databaseUrl, createLogger('bench-baseline', 'silent'), { max: job.poolSize });
  try {
    await Promise.all(Array.from({ length: job.poolSize }, async () => (await pool.connect()).release()));
    const samples: Sample[] = [];
    const startedAt = nowMs();
    const until = startedAt + job.durationMs;
    let index = 0;
    const loop = async () => {
      while (nowMs() < until) {
        const i = index++;
        const t0 = nowMs();
        let ok = 1;
        try {
          await listTickets(pool, { limit: job.limit + 1 });
        } catch {
          ok = 2;
        }
        const end = nowMs();
        samples.push([i, ok, end - t0, end]);
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, loop));
    return { startedAt, finishedAt: samples.reduce((max, s) => Math.max(max, s[3]), startedAt), samples };
  } finally {
    await pool.end();
  }
}
