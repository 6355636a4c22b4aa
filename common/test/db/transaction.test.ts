import net from 'node:net';
import pg from 'pg';
import { createPool, withTransaction, type Pool } from '@ticketing/common';
import { createTestDatabase, type TestDatabase } from '@ticketing/common/testing';
import { capturingLogger } from '../bus/helpers';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const backendPid = async (q: Pick<Pool, 'query'>): Promise<number> => (await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

test('a client whose ROLLBACK failed is destroyed, never returned to the pool', async () => {
  // The connection stops answering mid-transaction (a network partition: no FIN, no RST), so pg still thinks it is
  // usable; a client-side timeout then fails the statement and the ROLLBACK. Back in the pool, the next transaction
  // would queue behind the unanswered ROLLBACK.
  const proxy = await startPartitionableProxy(db.url);
  const pool = new pg.Pool({ connectionString: proxy.url, max: 1, query_timeout: 300 });
  pool.on('error', () => undefined);
  try {
    await expect(
      withTransaction(pool, async (tx) => {
        await tx.query('SELECT 1');
        proxy.partitionOpenConnections();
        await tx.query('SELECT 2');
      }),
    ).rejects.toThrow(/timeout/);
    expect(pool.totalCount).toBe(0);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await proxy.close();
    await pool.end();
  }
});

test('a transaction whose backend is killed fails, and the next checkout is a different, working connection', async () => {
  const pool = createPool(db.url, capturingLogger().logger, { max: 1 });
  try {
    let killed = 0;
    await expect(
      withTransaction(pool, async (tx) => {
        killed = await backendPid(tx);
        await db.pool.query('SELECT pg_terminate_backend($1)', [killed]);
        await tx.query('SELECT 1');
      }),
    ).rejects.toThrow();
    expect(pool.totalCount).toBe(0);
    const next = await backendPid(pool);
    expect(next).not.toBe(killed);
  } finally {
    await pool.end();
  }
});

test('a failing transaction rolls back and its healthy client goes back to the pool', async () => {
  const pool = createPool(db.url, capturingLogger().logger, { max: 1 });
  try {
    await pool.query('CREATE TABLE IF NOT EXISTS tx_rows (id int PRIMARY KEY)');
    const pid = await backendPid(pool);
    await expect(
      withTransaction(pool, async (tx) => {
        await tx.query('INSERT INTO tx_rows VALUES (1)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await pool.query('SELECT id FROM tx_rows')).rows).toEqual([]);
    expect(await backendPid(pool)).toBe(pid);
  } finally {
    await pool.end();
  }
});

/**
 * A TCP relay to the database whose connections open so far can be cut off silently (bytes stop flowing both ways,
 * the sockets stay open); connections opened later pass.
 */
async function startPartitionableProxy(databaseUrl: string): Promise<{ url: string; partitionOpenConnections(): void; close(): Promise<void> }> {
  const target = new URL(databaseUrl);
  const pairs: Array<[net.Socket, net.Socket]> = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    partitionOpenConnections: () => {
      for (const [client, upstream] of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        pairs.push([client, upstream]);
      }
    },
    close: async () => {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
