import { randomUUID } from 'node:crypto';
import type { BackendService, Replica, ReplicaPlatform } from './platform';

// The mixed workload, through the public HTTP API of random replicas: sign-ups, sellers listing and editing, buyers
// racing for the same tickets, and each winning order meeting a fate (paid, declined then paid, cancelled, cancelled
// while a payment is on its way, left to expire, paid right around its expiry). It is a client, not a judge: faults
// make requests fail (5xx, refused connections), and every outcome is counted. The audit judges afterwards.

export type Fate = 'pay' | 'decline-then-pay' | 'cancel' | 'cancel-then-pay' | 'expire' | 'late-pay';

const FATES: [Fate, number][] = [
  ['pay', 34],
  ['decline-then-pay', 10],
  ['cancel', 12],
  ['cancel-then-pay', 12],
  ['expire', 16],
  ['late-pay', 16],
];

const ACTIONS: [Action, number][] = [
  ['signup', 3],
  ['list', 20],
  ['race', 60],
  ['edit', 9],
  ['browse', 8],
];
type Action = 'signup' | 'list' | 'race' | 'edit' | 'browse';

interface User {
  id: string;
  cookie: string;
}

interface Listing {
  id: string;
  seller: User;
  sold: boolean;
}

interface Answer {
  status: number;
  body: unknown;
  setCookie: string[];
}

export interface WorkloadOptions {
  /** Flows running at once. */
  concurrency: number;
  /** Users signed up before the flows start (more sign up as they run). */
  initialUsers: number;
}

export interface WorkloadStats {
  requests: Record<string, number>;
  requestsTotal: number;
  fates: Record<string, number>;
  racesWon: number;
  racesWithoutWinner: number;
  /** Races in which the API answered 201 to more than one buyer (a double sale seen from outside). */
  racesWithSeveralWinners: number;
  listings: number;
  users: number;
}

function pickWeighted<T>(table: [T, number][]): T {
  const total = table.reduce((n, [, w]) => n + w, 0);
  let r = Math.random() * total;
  for (const [value, weight] of table) {
    r -= weight;
    if (r < 0) return value;
  }
  return table[table.length - 1]![0];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomOf = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

function errorCode(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string }; code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
  return e.cause?.code ?? e.code ?? 'network-error';
}

export class Workload {
  private readonly users: User[] = [];
  private readonly listings: Listing[] = [];
  private readonly counts = new Map<string, number>();
  private readonly fates = new Map<string, number>();
  private racesWon = 0;
  private racesWithoutWinner = 0;
  private racesWithSeveralWinners = 0;
  private stopping = false;
  private flows: Promise<void>[] = [];

  constructor(
    private readonly platform: ReplicaPlatform,
    private readonly options: WorkloadOptions,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.options.initialUsers; i++) await this.signUp();
    if (this.users.length < 2) throw new Error('the workload could not sign up its first users; is auth up?');
    for (let i = 0; i < 3; i++) await this.list();
    this.flows = Array.from({ length: this.options.concurrency }, () => this.flow());
  }

  /** Lets every flow finish what it is doing (a late payment waits for its moment), then returns. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.flows);
  }

  stats(): WorkloadStats {
    const requests = Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return {
      requests,
      requestsTotal: [...this.counts.values()].reduce((a, b) => a + b, 0),
      fates: Object.fromEntries(this.fates),
      racesWon: this.racesWon,
      racesWithoutWinner: this.racesWithoutWinner,
      racesWithSeveralWinners: this.racesWithSeveralWinners,
      listings: this.listings.length,
      users: this.users.length,
    };
  }

  private async flow(): Promise<void> {
    while (!this.stopping) {
      const action = pickWeighted(ACTIONS);
      try {
        if (action === 'signup') await this.signUp();
        else if (action === 'list') await this.list();
        else if (action === 'race') await this.race();
        else if (action === 'edit') await this.edit();
        else await this.browse();
      } catch (err) {
        this.count(`workload error ${(err as Error).message}`);
      }
      await sleep(20 + Math.random() * 120);
    }
  }

  private count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /**
   * One request to a random replica that is up. A refused or reset connection (the replica was just killed) is counted
   * and tried once more on another replica, as a load balancer would; an HTTP answer, whatever its status, is final.
   */
  private async call(service: BackendService, method: string, route: string, pathname: string, opts: { user?: User; body?: unknown } = {}): Promise<Answer | undefined> {
    let replica: Replica | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      replica = this.platform.pick(service, replica);
      if (!replica) {
        this.count(`${method} ${route} -> no replica up`);
        return undefined;
      }
      try {
        const res = await fetch(`${replica.url}${pathname}`, {
          method,
          headers: { ...(opts.body ? { 'content-type': 'application/json' } : {}), ...(opts.user ? { cookie: opts.user.cookie } : {}) },
          body: opts.body ? JSON.stringify(opts.body) : undefined,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        this.count(`${method} ${route} -> ${res.status}`);
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: kept as text
        }
        return { status: res.status, body, setCookie: res.headers.getSetCookie() };
      } catch (err) {
        this.count(`${method} ${route} -> ${errorCode(err)}`);
        await sleep(100);
      }
    }
    return undefined;
  }

  private async signUp(): Promise<void> {
    const email = `faults-${randomUUID().slice(0, 12)}@example.test`;
    const res = await this.call('auth', 'POST', '/api/users/signup', '/api/users/signup', { body: { email, password: 'fault-tolerant-password' } });
    if (res?.status !== 201) return;
    const cookie = res.setCookie.map((c) => c.split(';')[0]).join('; ');
    this.users.push({ id: (res.body as { id: string }).id, cookie });
  }

  private async list(): Promise<void> {
    const seller = randomOf(this.users);
    if (!seller) return;
    const price = (500 + Math.floor(Math.random() * 25_000)) / 100; // 5.00 to 254.99, cents included
    const res = await this.call('tickets', 'POST', '/api/tickets', '/api/tickets', { user: seller, body: { title: `Faults night ${randomUUID().slice(0, 6)}`, price } });
    if (res?.status === 201) this.listings.push({ id: (res.body as { id: string }).id, seller, sold: false });
  }

  private async edit(): Promise<void> {
    const listing = randomOf(this.listings.filter((l) => !l.sold));
    if (!listing) return;
    const price = (500 + Math.floor(Math.random() * 25_000)) / 100;
    await this.call('tickets', 'PUT', '/api/tickets/:id', `/api/tickets/${listing.id}`, { user: listing.seller, body: { price } });
  }

  private async browse(): Promise<void> {
    await this.call('tickets', 'GET', '/api/tickets', '/api/tickets?limit=20');
    const user = randomOf(this.users);
    if (user) await this.call('orders', 'GET', '/api/orders', '/api/orders', { user });
  }

  /** Several buyers order the same ticket at once; the winner's order then meets a random fate. */
  private async race(): Promise<void> {
    // Recent listings first: they are the ones nobody holds yet.
    const open = this.listings.filter((l) => !l.sold);
    const listing = open.length > 4 && Math.random() < 0.6 ? randomOf(open.slice(-4)) : randomOf(open);
    if (!listing) return;
    const buyers = this.users.filter((u) => u !== listing.seller).sort(() => Math.random() - 0.5).slice(0, 2 + Math.floor(Math.random() * 3));
    if (!buyers.length) return;
    const results = await Promise.all(buyers.map((buyer) => this.placeOrder(buyer, listing.id)));
    const winners = results.filter((r): r is { buyer: User; order: { id: string; expiresAt: string } } => r !== undefined);
    if (winners.length > 1) this.racesWithSeveralWinners++;
    const winner = winners[0];
    if (!winner) {
      this.racesWithoutWinner++;
      return;
    }
    this.racesWon++;
    const fate = pickWeighted(FATES);
    this.fates.set(fate, (this.fates.get(fate) ?? 0) + 1);
    if (await this.settle(fate, winner.buyer, winner.order)) listing.sold = true;
  }

  /** POST /api/orders; a ticket listed moments ago answers 404 until orders' replica has it, so 404 is retried briefly. */
  private async placeOrder(buyer: User, ticketId: string): Promise<{ buyer: User; order: { id: string; expiresAt: string } } | undefined> {
    for (let attempt = 0; attempt < 12; attempt++) {
      const res = await this.call('orders', 'POST', '/api/orders', '/api/orders', { user: buyer, body: { ticketId } });
      if (res?.status === 201) return { buyer, order: res.body as { id: string; expiresAt: string } };
      if (res?.status !== 404 || this.stopping) return undefined;
      await sleep(250);
    }
    return undefined;
  }

  /** Resolves true when the ticket ends up sold to this order (as far as the client knows). */
  private async settle(fate: Fate, buyer: User, order: { id: string; expiresAt: string }): Promise<boolean> {
    const cancel = () => this.call('orders', 'DELETE', '/api/orders/:id', `/api/orders/${order.id}`, { user: buyer });
    switch (fate) {
      case 'pay':
        return (await this.pay(buyer, order.id, 'tok_visa')) === 201;
      case 'decline-then-pay':
        await this.pay(buyer, order.id, 'tok_chargeDeclined');
        return (await this.pay(buyer, order.id, 'tok_visa')) === 201;
      case 'cancel':
        await cancel();
        return false;
      case 'cancel-then-pay': {
        // The payment races the cancellation's event to payments: a charge taken now must be refunded.
        await Promise.all([cancel(), sleep(Math.random() * 30).then(() => this.pay(buyer, order.id, 'tok_visa'))]);
        return false;
      }
      case 'expire':
        return false;
      case 'late-pay': {
        // Right around the end of the hold: some are refused (expired), some charged and completed, some charged and
        // refunded because the expiry reached orders first.
        await sleep(Date.parse(order.expiresAt) - Date.now() - 400 + Math.random() * 500);
        return (await this.pay(buyer, order.id, 'tok_visa')) === 201;
      }
    }
  }

  /** POST /api/payments; 404 means payments has not heard of the order yet (events travel), retried briefly. */
  private async pay(buyer: User, orderId: string, token: string): Promise<number | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await this.call('payments', 'POST', '/api/payments', '/api/payments', { user: buyer, body: { orderId, token } });
      if (res?.status !== 404) return res?.status;
      await sleep(150);
    }
    return 404;
  }
}
