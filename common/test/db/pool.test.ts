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
