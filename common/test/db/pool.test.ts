import { createPool, type Pool } from '@ticketing/common';
import { createTestDatabase, waitFor, type TestDatabase } from '@ticketing/common/testing';
import { capturingLogger } from '../bus/helpers';

// PostgreSQL restarting (or an admin ending a backend) sends FATAL 57P01 to every connection. pg-pool listens for
// errors only on idle clients; a client that is checked out but between queries (a transaction waiting on NATS, a
// handler between statements) would emit 'error' with no listener: an uncaught exception that kills the service.

let db: TestDatabase;
let pool: Pool | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await pool?.end();
  await db.drop();
});

test('a checked-out client whose connection the server ends is logged and discarded, and the process lives on', async () => {
  const { logger, records } = capturingLogger();
  pool = createPool(db.url, logger, { max: 2 });
  const client = await pool.connect();
  await client.query('BEGIN');
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const ended = new Promise((resolve) => client.once('end', resolve));

  // Ended while checked out and idle in its transaction: no query of ours is waiting for an answer.
  await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
  await ended;

  await waitFor(() => records.some((r) => r.msg.startsWith('database connection lost while in use')));
  await expect(client.query('SELECT 1')).rejects.toThrow();
  client.release();
  const again = await pool.query<{ one: number }>('SELECT 1 AS one');
  expect(again.rows).toEqual([{ one: 1 }]);
});

test('parameterised statements are prepared once per connection and reused; statements without parameters are not', async () => {
  const prepared = createPool(db.url, capturingLogger().logger, { max: 1 });
  try {
    const client = await prepared.connect();
    try {
      const text = 'SELECT $1::int + 1 AS n';
      for (let i = 0; i < 3; i++) expect((await client.query<{ n: number }>(text, [i])).rows).toEqual([{ n: i + 1 }]);
      await client.query('SELECT 42');
      const { rows } = await client.query<{ statement: string; calls: string }>(
        `SELECT statement, generic_plans + custom_plans AS calls FROM pg_prepared_statements WHERE statement IN ($1, 'SELECT 42')`,
        [text],
      );
      expect(rows).toEqual([{ statement: text, calls: 3 }]); // one statement, planned for each of its three runs, parsed once
    } finally {
      client.release();
    }
    // The pool's own query() (another code path in pg-pool) goes through the same client.
    expect((await prepared.query<{ n: number }>('SELECT $1::int + 1 AS n', [9])).rows).toEqual([{ n: 10 }]);
  } finally {
    await prepared.end();
  }
});

test('each call of a prepared statement is planned for its own values, never with a generic plan', async () => {
  // With PostgreSQL's default plan cache, from the sixth call a prepared statement may run a generic plan made without
  // the values (in the benchmark that turned cheap lookups into scans as tables grew: docs/performance.md).
  const prepared = createPool(db.url, capturingLogger().logger, { max: 1 });
  const client = await prepared.connect();
  try {
    await client.query(`CREATE TABLE skewed (id int PRIMARY KEY, kind text NOT NULL);
      INSERT INTO skewed SELECT g, CASE WHEN g % 1000 = 0 THEN 'rare' ELSE 'common' END FROM generate_series(1, 20000) g;
      ANALYZE skewed;`);
    const text = 'SELECT kind FROM skewed WHERE id = $1';
    for (let i = 1; i <= 8; i++) expect((await client.query(text, [i * 1000])).rows).toEqual([{ kind: 'rare' }]);
    const { rows } = await client.query('SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1', [text]);
    expect(rows).toEqual([{ generic_plans: 0, custom_plans: 8 }]);
  } finally {
    client.release();
    await prepared.end();
  }
});
