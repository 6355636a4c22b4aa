import type pg from 'pg';
import type { PoolClient, Queryable } from '../db/pool';

/**
 * Replays the race two replicas of one consumer can run into: transaction A has done `first` but not committed when
 * transaction B starts `second`, and A commits right after B's first statement. So B's first statement does not see
 * A's write, and whatever B reads next does. B commits when `second` returns and rolls back when it throws (the throw
 * is passed on); returns what `second` returned.
 */
export async function raceCommitAfterFirstStatement<T>(
  pool: pg.Pool,
  first: (a: PoolClient) => Promise<unknown>,
  second: (b: Queryable) => Promise<T>,
): Promise<T> {
  const a = await pool.connect();
  const b = await pool.connect();
  try {
    await a.query('BEGIN');
    await first(a);
    await b.query('BEGIN');
    let statements = 0;
    const bCommittingA = {
      query: async (text: string, values?: unknown[]) => {
        const result = await b.query(text, values);
        if (++statements === 1) await a.query('COMMIT');
        return result;
      },
    } as unknown as Queryable;
    try {
      const outcome = await second(bCommittingA);
      await b.query('COMMIT');
      return outcome;
    } catch (err) {
      await b.query('ROLLBACK');
      throw err;
    }
  } finally {
    a.release();
    b.release();
  }
}
