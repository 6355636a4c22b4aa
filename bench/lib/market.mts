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
 * sign-up hashes with scrypt (tens of ms of CPU each), too slow for hundreds of buyers and not what is measured.
 */
export function mintUsers(count: number, privateKey: string, label: string): BenchUser[] {
  return Array.from({ length: count }, (_v, i) => {
    const id = randomUUID();
    const email = `${label}-${i}-${id.slice(0, 8)}@bench.test`;
    return { id, email, cookie: sessionCookieFor(signSessionToken({ id, email, roles: [] }, privateKey)) };
  });
}

/**
 * Listings nobody has ordered yet, each usable for one successful order. Seeded through the tickets API (as sellers
 * list them) and handed out only once orders' replica has them, so a 404 "not orderable yet" never pollutes a run.
 */
export class TicketSupply {
  private readonly free: string[] = [];
  private seeded = 0;

  constructor(
    private readonly platform: BenchPlatform,
    private readonly load: LoadProcess,
    private readonly seller: BenchUser,
    private readonly log: (msg: string) => void,
  ) {}

  get available(): number {
    return this.free.length;
  }

  /** Makes sure at least n tickets are available, listing more (through the API) when needed. */
  async ensure(n: number): Promise<void> {
    if (this.free.length >= n) return;
    const missing = n - this.free.length;
    const started = performance.now();
    const ids = await this.list(missing);
    await this.waitForOrdersReplica(ids);
    await this.analyze();
    this.free.push(...ids);
    const seconds = (performance.now() - started) / 1000;
    this.log(`  listed ${ids.length} tickets through the API and saw them in orders' replica in ${seconds.toFixed(1)} s (${Math.round(ids.length / seconds)}/s)`);
  }

  take(n: number): string[] {
    if (this.free.length < n) throw new Error(`need ${n} unordered tickets, have ${this.free.length} (call ensure first)`);
    return this.free.splice(0, n);
  }

  /** Tickets a run did not end up ordering (never sent, or refused before the order was stored). */
  giveBack(ids: string[]): void {
    this.free.push(...ids);
  }

  private async list(count: number): Promise<string[]> {
    const items: HttpItem[] = Array.from({ length: count }, (_v, i) => ({
      method: 'POST',
      path: '/api/tickets',
      body: JSON.stringify({ title: `Bench concert ${this.seeded + i}`, price: 10 + ((this.seeded + i) % 90) + 0.5 }),
      cookie: this.seller.cookie,
    }));
    this.seeded += count;
    const result = await this.load.run({ kind: 'http-closed', url: this.platform.ticketsUrl, connections: Math.min(16, count), amount: count, items, keepBodies: true });
    const ids = result.samples.filter((s) => s[1] === 201).map((s) => (JSON.parse(result.bodies![s[0]]!) as { id: string }).id);
    if (ids.length < count) throw new Error(`listing tickets: ${count - ids.length} of ${count} requests failed (statuses ${[...new Set(result.samples.map((s) => s[1]))].join(', ')})`);
    return ids;
  }

  /**
   * Fresh statistics, as autovacuum would gather within a minute or so. Right after thousands of inserts into a new
   * table the planner still assumes it is nearly empty: it then answers GET /api/tickets with a bitmap scan and a sort
   * of every available ticket (6 ms for 7,600 tickets) instead of reading 21 index entries (0.1 ms).
   */
  private async analyze(): Promise<void> {
    await Promise.all([this.platform.db.tickets.query('ANALYZE'), this.platform.db.orders.query('ANALYZE')]);
  }

  private async waitForOrdersReplica(ids: string[]): Promise<void> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const { rows } = await this.platform.db.orders.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE id = ANY($1::uuid[])', [ids]);
      if (rows[0]!.n === ids.length) return;
      if (Date.now() > deadline) throw new Error(`orders' replica has ${rows[0]!.n} of ${ids.length} new tickets after 3 minutes`);
      await sleep(200);
    }
  }
}
