import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { signSessionToken } from '@ticketing/common';
import { sessionCookieFor } from '@ticketing/common/testing';
import type { BenchPlatform } from './platform.mjs';
import type { LoadProcess } from './load-process.mjs';
import type { HttpItem } from './protocol.mjs';

export interface BenchUser {
  id: string;
  email: string;
  cookie: string;
}

/**
 * Signed-in users without going through auth: a session JWT signed with the platform's private key exactly as auth
 * signs it (common's signSessionToken), in the cookie cookie-session reads (common's sessionCookieFor). Auth's real
 * sign-up hashes with scrypt (tens of ms of CPU each), too slow for thousands of buyers and not what is measured.
 */
export function mintUsers(count: number, privateKey: string, label: string, roles: string[] = []): BenchUser[] {
  return Array.from({ length: count }, (_v, i) => {
    const id = randomUUID();
    const email = `${label}-${i}-${id.slice(0, 8)}@bench.test`;
    return { id, email, cookie: sessionCookieFor(signSessionToken({ id, email, roles }, privateKey)) };
  });
}

/**
 * Buyers nobody has used yet, minted as needed: each order is placed by a buyer of its own, so fair holds (at most 8
 * tickets held at once, a cooldown after repeated releases of one listing) are checked on every order, as for real
 * buyers, without refusing the bench's thousands of orders.
 */
export class BuyerPool {
  private minted = 0;

  constructor(private readonly privateKey: string) {}

  next(count: number): BenchUser[] {
    const users = mintUsers(count, this.privateKey, `buyer${this.minted}`);
    this.minted += count;
    return users;
  }
}

/** The shapes of listing the scenarios order from. */
export const SHAPES = {
  /** Two seats side by side, any split: one order of k = 2 takes the whole listing (no contention between orders). */
  pair: { seats: 2, split: 'any' },
  /** Eight seats in a row, sold in pairs: the onsale race's listings, four winners each. */
  block: { seats: 8, split: 'even' },
} as const;
export type Shape = keyof typeof SHAPES;

/**
 * Schedules the bench's event through catalog as an admin (a minted session with the admin role), and waits until
 * tickets and orders both hold it in their replicas of the catalogue (listings and orders are refused before that).
 */
export async function scheduleBenchEvent(platform: BenchPlatform, log: (msg: string) => void): Promise<string> {
  const [admin] = mintUsers(1, platform.privateKey, 'admin', ['admin']);
  const startsAt = new Date(Date.now() + 60 * 86_400_000).toISOString();
  const body = { name: `Bench night ${randomUUID().slice(0, 6)}`, category: 'concert', venue: { name: 'Bench Arena', city: 'London', country: 'GB' }, timeZone: 'Europe/London', startsAt };
  const res = await fetch(`${platform.catalogUrl}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin!.cookie }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`POST /api/events answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const started = performance.now();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [tickets, orders] = await Promise.all(
      [platform.db.tickets, platform.db.orders].map(async (db) => (await db.query('SELECT 1 FROM catalog_events WHERE id = $1', [id])).rowCount === 1),
    );
    if (tickets && orders) break;
    if (Date.now() > deadline) throw new Error(`event ${id} reached tickets: ${tickets}, orders: ${orders} after a minute`);
    await sleep(100);
  }
  log(`  scheduled event ${id} and saw it in tickets' and orders' replicas in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return id;
}

/**
 * Listings nobody has ordered from yet, by shape, each usable for its orders once. Seeded through the tickets API (as
 * sellers list them) and handed out only once orders' replica has them, so a 404 "not orderable yet" never pollutes a
 * run.
 */
export class ListingSupply {
  private readonly free: Record<Shape, string[]> = { pair: [], block: [] };
  private seeded = 0;

  constructor(
    private readonly platform: BenchPlatform,
    private readonly load: LoadProcess,
    private readonly seller: BenchUser,
    private readonly eventId: string,
    private readonly log: (msg: string) => void,
  ) {}

  available(shape: Shape): number {
    return this.free[shape].length;
  }

  /** Makes sure at least n listings of the shape are available, listing more (through the API) when needed. */
  async ensure(shape: Shape, n: number): Promise<void> {
    if (this.free[shape].length >= n) return;
    const missing = n - this.free[shape].length;
    const started = performance.now();
    const ids = await this.list(shape, missing);
    await this.waitForOrdersReplica(ids);
    await this.analyze();
    this.free[shape].push(...ids);
    const seconds = (performance.now() - started) / 1000;
    const tickets = ids.length * SHAPES[shape].seats;
    this.log(`  listed ${ids.length} ${shape} listings (${tickets} tickets) through the API and saw them in orders' replica in ${seconds.toFixed(1)} s (${Math.round(ids.length / seconds)} listings/s)`);
  }

  take(shape: Shape, n: number): string[] {
    if (this.free[shape].length < n) throw new Error(`need ${n} unordered ${shape} listings, have ${this.free[shape].length} (call ensure first)`);
    return this.free[shape].splice(0, n);
  }

  /** Listings a run did not end up ordering from (never sent, or refused before the order was stored). */
  giveBack(shape: Shape, ids: string[]): void {
    this.free[shape].push(...ids);
  }

  private async list(shape: Shape, count: number): Promise<string[]> {
    const { seats, split } = SHAPES[shape];
    const items: HttpItem[] = Array.from({ length: count }, (_v, i) => {
      const n = this.seeded + i;
      const price = 10 + (n % 90) + 0.5;
      return {
        method: 'POST',
        path: '/api/listings',
        body: JSON.stringify({
          eventId: this.eventId,
          section: `Block ${100 + (n % 400)}`,
          row: String.fromCharCode(65 + (n % 26)),
          seats: Array.from({ length: seats }, (_s, j) => String(1 + j)),
          price,
          faceValue: price,
          split,
        }),
        cookie: this.seller.cookie,
      };
    });
    this.seeded += count;
    const result = await this.load.run({ kind: 'http-closed', url: this.platform.ticketsUrl, connections: Math.min(16, count), amount: count, items, keepBodies: true });
    const ids = result.samples.filter((s) => s[1] === 201).map((s) => (JSON.parse(result.bodies![s[0]]!) as { id: string }).id);
    if (ids.length < count) throw new Error(`listing: ${count - ids.length} of ${count} requests failed (statuses ${[...new Set(result.samples.map((s) => s[1]))].join(', ')})`);
    return ids;
  }

  /**
   * Fresh statistics, as autovacuum would gather within a minute or so. Right after thousands of inserts into a new
   * table the planner still assumes it is nearly empty and may pick a scan and a sort where an index answers.
   */
  private async analyze(): Promise<void> {
    await Promise.all([this.platform.db.tickets.query('ANALYZE'), this.platform.db.orders.query('ANALYZE')]);
  }

  private async waitForOrdersReplica(ids: string[]): Promise<void> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const { rows } = await this.platform.db.orders.query<{ n: number }>('SELECT count(*)::int AS n FROM listings WHERE id = ANY($1::uuid[])', [ids]);
      if (rows[0]!.n === ids.length) return;
      if (Date.now() > deadline) throw new Error(`orders' replica has ${rows[0]!.n} of ${ids.length} new listings after 3 minutes`);
      await sleep(200);
    }
  }
}
