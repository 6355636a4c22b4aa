import path from 'node:path';
import { createPool, createLogger, runMigrations } from '@ticketing/common';
import { createTestDatabase, type TestDatabase } from '@ticketing/common/testing';

const migrations = path.join(__dirname, '../fixtures/migrations');
let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

test('applies each migration once, in order, and records it', async () => {
  expect(await runMigrations(db.pool, migrations)).toEqual(['001_widgets.sql', '002_widgets_seed.sql']);
  expect(await runMigrations(db.pool, migrations)).toEqual([]);
  const { rows } = await db.pool.query('SELECT name FROM widgets');
  expect(rows).toEqual([{ name: 'first' }]);
  const recorded = await db.pool.query('SELECT name FROM schema_migrations ORDER BY name');
  expect(recorded.rows.map((r) => r.name)).toEqual(['001_widgets.sql', '002_widgets_seed.sql']);
});

test('two runners starting at once apply every migration exactly once', async () => {
  // Separate pools, like two replicas starting together.
  const a = createPool(db.url, createLogger('a', 'silent'));
  const b = createPool(db.url, createLogger('b', 'silent'));
  try {
    const [ra, rb] = await Promise.all([runMigrations(a, migrations), runMigrations(b, migrations)]);
    expect([...ra, ...rb].sort()).toEqual(['001_widgets.sql', '002_widgets_seed.sql']);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM widgets');
    expect(rows[0].n).toBe(1);
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
});

test('a failing migration applies nothing of itself and says which file', async () => {
  const bad = path.join(__dirname, '../fixtures/bad-migrations');
  await expect(runMigrations(db.pool, bad)).rejects.toThrow(/002_broken\.sql failed/);
  const recorded = await db.pool.query('SELECT name FROM schema_migrations');
  expect(recorded.rows.map((r) => r.name)).toEqual(['001_ok.sql']);
  const tables = await db.pool.query("SELECT to_regclass('half_done') AS t");
  expect(tables.rows[0].t).toBeNull();
});
