import { createLogger, createPool, type Pool } from '@ticketing/common';
import { nowMs, resultOf, type RunResult, type Sample } from '../protocol.mjs';

/**
 * A SQL baseline: `concurrency` loops calling `call` through the services' own pool (common's createPool: statements
 * prepared, planned per call) of the same size, each taking the next index while `more(index, startedAt)` holds.
 * Each call is a sample with status 1 (done) or 2 (threw).
 */
export async function timeSqlCalls(
  job: { databaseUrl: string; poolSize: number; concurrency: number },
  more: (index: number, startedAt: number) => boolean,
  call: (pool: Pool, index: number) => Promise<unknown>,
): Promise<RunResult> {
  const pool = createPool(job.databaseUrl, createLogger('bench-baseline', 'silent'), { max: job.poolSize });
  try {
    // Open the connections first: the service's pool is warm too.
    await Promise.all(Array.from({ length: job.poolSize }, async () => (await pool.connect()).release()));
    const samples: Sample[] = [];
    const startedAt = nowMs();
    let next = 0;
    const loop = async () => {
      for (let i = next++; more(i, startedAt); i = next++) {
        const t0 = nowMs();
        let ok = 1;
        try {
          await call(pool, i);
        } catch {
          ok = 2;
        }
        const end = nowMs();
        samples.push([i, ok, end - t0, end]);
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, loop));
    return resultOf(startedAt, samples);
  } finally {
    await pool.end();
  }
}
