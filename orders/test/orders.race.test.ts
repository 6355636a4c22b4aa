import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import { ONE_ACTIVE_ORDER_PER_TICKET } from '../src/data/orders.data';
import { createOrdersTestDatabase, ordersTestApp, seedTicket } from './support';

/**
 * Invariant 1 under real concurrency: many buyers' requests in flight at once against a listening server, each
 * request on its own connection and its own pooled database connection (the pool holds 20).
 */

interface Attempt {
  ticketId: string;
  status: number;
  ms: number;
}

/**
 * For one describe block: a fresh orders database (`prepare` may change it first) and the orders app listening on it.
 * The fields are set once the block's first beforeAll has run.
 */
function serveOrders(prepare: (db: TestDatabase) => Promise<void> = async () => undefined): { db: TestDatabase; url: string } {
  const served = {} as { db: TestDatabase; url: string };
  let server: Server;
  beforeAll(async () => {
    served.db = await createOrdersTestDatabase();
    await prepare(served.db);
    server = createServer(ordersTestApp(served.db.pool));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    served.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await served.db.drop();
  });
  return served;
}

/** Fires every purchase at once (each buyer a different user) and waits for all the answers. */
async function rush(url: string, ticketIds: string[]): Promise<Attempt[]> {
  const buyers = ticketIds.map((ticketId) => ({ ticketId, cookie: signedInUser().cookie }));
  return Promise.all(
    buyers.map(async ({ ticketId, cookie }) => {
      const started = performance.now();
      const res = await fetch(`${url}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ ticketId }),
      });
      await res.arrayBuffer();
      return { ticketId, status: res.status, ms: performance.now() - started };
    }),
  );
}

function statuses(attempts: Attempt[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of attempts) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const report = (line: string) => process.stdout.write(`[orders race] ${line}\n`);

describe('with the database guard', () => {
  const orders = serveOrders();
  beforeAll(async () => {
    // A running service has a warm pool and warm code paths: measure that, not the first connections' set-up.
    await rush(orders.url, await Promise.all(Array.from({ length: 40 }, async () => (await seedTicket(orders.db.pool)).id)));
  });

  test('200 buyers racing for one ticket: exactly one 201, every other buyer 409, no 5xx', async () => {
    const ticket = await seedTicket(orders.db.pool);
    const attempts = await rush(orders.url, Array.from({ length: 200 }, () => ticket.id));

    expect(statuses(attempts)).toEqual({ 201: 1, 409: 199 });
    const { rows } = await orders.db.pool.query("SELECT count(*)::int AS n FROM orders WHERE ticket_id = $1 AND status <> 'cancelled'", [ticket.id]);
    expect(rows[0].n).toBe(1);
    const losers = attempts.filter((a) => a.status === 409).map((a) => a.ms);
    report(`1 ticket × 200 buyers: losers p50 ${percentile(losers, 50).toFixed(0)} ms, p99 ${percentile(losers, 99).toFixed(0)} ms`);
  });

  test('50 tickets × 10 buyers each, all at once: exactly 50 winners, one per ticket', async () => {
    const tickets = await Promise.all(Array.from({ length: 50 }, () => seedTicket(orders.db.pool)));
    const ids = tickets.flatMap((t) => Array.from({ length: 10 }, () => t.id));
    const attempts = await rush(orders.url, ids.sort(() => Math.random() - 0.5));

    expect(statuses(attempts)).toEqual({ 201: 50, 409: 450 });
    const winnersPerTicket = new Map<string, number>();
    for (const a of attempts.filter((x) => x.status === 201)) winnersPerTicket.set(a.ticketId, (winnersPerTicket.get(a.ticketId) ?? 0) + 1);
    expect([...winnersPerTicket.values()]).toEqual(Array(50).fill(1));
    const { rows } = await orders.db.pool.query(
      "SELECT ticket_id FROM orders WHERE ticket_id = ANY($1::uuid[]) AND status <> 'cancelled' GROUP BY ticket_id HAVING count(*) = 1",
      [tickets.map((t) => t.id)],
    );
    expect(rows).toHaveLength(50);
  });

  test('throughput: 200 purchases of distinct tickets in parallel all succeed', async () => {
    const tickets = await Promise.all(Array.from({ length: 200 }, () => seedTicket(orders.db.pool)));
    const started = performance.now();
    const attempts = await rush(orders.url, tickets.map((t) => t.id));
    const seconds = (performance.now() - started) / 1000;

    expect(statuses(attempts)).toEqual({ 201: 200 });
    report(`200 distinct tickets in parallel: ${seconds.toFixed(2)} s wall, ${(200 / seconds).toFixed(0)} orders/s, p99 ${percentile(attempts.map((a) => a.ms), 99).toFixed(0)} ms`);
  });
});

describe('without the database guard (test-only database)', () => {
  const orders = serveOrders(async (db) => {
    await db.pool.query(`DROP INDEX ${ONE_ACTIVE_ORDER_PER_TICKET}`);
  });

  test('the same race sells the ticket more than once: the race test above really detects a double sale', async () => {
    const ticket = await seedTicket(orders.db.pool);
    const attempts = await rush(orders.url, Array.from({ length: 200 }, () => ticket.id));

    const winners = attempts.filter((a) => a.status === 201).length;
    expect(winners).toBeGreaterThan(1);
    report(`without the index: ${winners} of 200 buyers "bought" the same ticket`);
  });
});
