import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createPool } from '../db/pool';
import { dropDatabase, ensureDatabase } from '../db/ensure-database';
import { runMigrations, type MigrationSource } from '../db/migrate';
import { createLogger } from '../log/logger';

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop: () => Promise<void>;
}

/** A fresh database per test file, migrated from the service's migrations folder, gone after the file. */
export async function createTestDatabase(migrations?: string | MigrationSource | MigrationSource[], prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  const pool = createPool(url.toString(), createLogger('test', 'silent'), { max: 20 });
  if (migrations) await runMigrations(pool, migrations);
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      await dropDatabase(url.toString());
    },
  };
}
