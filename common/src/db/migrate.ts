import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { Logger } from '../log/logger';
import { transactionOn, withClient } from './transaction';

// Any fixed 64-bit key works; it only has to be the same for every replica of every service.
const MIGRATION_LOCK_KEY = 72_100_417;

/** A folder of *.sql files; `prefix` keeps names from different folders apart in schema_migrations. */
export interface MigrationSource {
  dir: string;
  prefix?: string;
}

/** The bus's own tables (outbox, inbox), shared by every service with a database; apply before the service's own. */
export const COMMON_MIGRATIONS = { dir: path.join(__dirname, '../../migrations'), prefix: 'common/' } satisfies MigrationSource;

/**
 * Applies each source's *.sql in name order (sources in the order given), each once, each in its own transaction, recorded in schema_migrations.
 * An advisory lock serialises replicas starting together: the second waits, then finds nothing left to do.
 */
export async function runMigrations(pool: pg.Pool, sources: string | MigrationSource | MigrationSource[], logger?: Logger): Promise<string[]> {
  const list = typeof sources === 'string' ? [{ dir: sources }] : Array.isArray(sources) ? sources : [sources];
  const files: Array<{ name: string; file: string }> = [];
  for (const source of list) {
    const names = (await readdir(source.dir)).filter((f) => f.endsWith('.sql')).sort();
    files.push(...names.map((n) => ({ name: `${source.prefix ?? ''}${n}`, file: path.join(source.dir, n) })));
  }
  return withClient(pool, async (client) => {
    const applied: string[] = [];
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
      for (const { name: file, file: filePath } of files) {
        if (done.has(file)) continue;
        const sql = await readFile(filePath, 'utf8');
        try {
          await transactionOn(client, async (tx) => {
            await tx.query(sql);
            await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
          });
        } catch (err) {
          throw new Error(`migration ${file} failed: ${(err as Error).message}. Fix the SQL file and restart; nothing of it was applied.`, { cause: err });
        }
        applied.push(file);
        logger?.info({ migration: file }, 'migration applied');
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
    return applied;
  });
}
