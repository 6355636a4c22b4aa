import { ApiClient, type User } from './client';
import { createListing, randomPriceCents, scheduleEvents, signUp, type Listing } from './market';
import type { ReplicaPlatform } from './platform';

// The mixed workload, through the public HTTP API of random replicas: an admin schedules events, people sign up,
// sellers list several tickets at a time (seats or general admission, every split rule), edit prices and withdraw,
// buyers race for k ∈ {1, 2, 3, 4} tickets of one listing, and each winning order meets a fate (paid, declined then
// paid, cancelled, cancelled while a payment is on its way, left to expire, paid right around its expiry). It is a
// client, not a judge: faults make requests fail (5xx, refused connections), and every outcome is counted. The audit
// judges afterwards; the only verdicts here are what any buyer could see in the answers themselves.

export type Fate = 'pay' | 'decline-then-pay' | 'cancel' | 'cancel-then-pay' | 'expire' | 'late-pay';

const FATES: [Fate, number][] = [
  ['pay', 34],
  ['decline-then-pay', 10],
  ['cancel', 12],
  ['cancel-then-pay', 12],
  ['expire', 16],
  ['late-pay', 16],
];

type Action = 'signup' | 'list' | 'race' | 'edit' | 'withdraw' | 'browse';
const ACTIONS: [Action, number][] = [
  ['signup', 3],
  ['list', 16],
  ['race', 60],
  ['edit', 9],
  ['withdraw', 2],
  ['browse', 8],
];

const EVENTS = 3;
/** How long the first listings wait for the new events to reach tickets' replica of the catalogue. */
const EVENT_REPLICATION_WAIT_MS = 30_000;

export interface WorkloadOptions {
  /** Flows running at once. */
  concurrency: number;
  /** Users signed up before the flows start (more sign up as they run). */
  initialUsers: number;
}

interface PlacedOrder {
  id: string;
  expiresAt: string;
  quantity: number;
  tickets: { id: string; seat: string | null }[];
  unitPrice: number;
  buyerFee: number;
  total: number;
}

export interface WorkloadStats {
  requests: Record<string, number>;
  requestsTotal: number;
  fates: Record<string, number>;
  events: number;
  listings: number;
  users: number;
  /** Races with at least one 201 / with none. */
  racesWon: number;
  racesWithoutWinner: number;
  /** Races in which several buyers got tickets of the same listing at once (disjoint, or it counts below). */
  racesWithSeveralWinners: number;
  /** Races in which two 201 answers named the same ticket: a double sale seen from outside. */
  racesWithSharedTickets: number;
  /** 201 answers whose tickets are not `quantity` distinct ones, or whose total is not quantity × unit price + fee. */
  malformedOrders: number;
  /** Orders won, by quantity. */
  ordersByQuantity: Record<string, number>;
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
const cents = (amount: number) => Math.round(amount * 100);

export class Workload {
  private readonly api: ApiClient;
  private readonly users: User[] = [];
  private readonly listings: Listing[] = [];
  private eventIds: string[] = [];
  private readonly fates = new Map<string, number>();
  private readonly byQuantity = new Map<number, number>();
  private racesWon = 0;
  private racesWithoutWinner = 0;
  private racesWithSeveralWinners = 0;
  private racesWithSharedTickets = 0;
  private malformedOrders = 0;
  private stopping = false;
  private flows: Promise<void>[] = [];

  constructor(
    platform: ReplicaPlatform,
    private readonly options: WorkloadOptions,
  ) {
    this.api = new ApiClient(platform);
  }

  async start(): Promise<void> {
    this.eventIds = await scheduleEvents(this.api, EVENTS);
    for (let i = 0; i < this.options.initialUsers; i++) await this.signUp();
    if (this.users.length < 2) throw new Error('the workload could not sign up its first users; is auth up?');
    // The first listing of each event waits for the event to reach tickets (catalog → EVENTS → tickets' replica).
    for (const eventId of this.eventIds) {
      const listing = await createListing(this.api, this.users[0]!, eventId, EVENT_REPLICATION_WAIT_MS);
      if (!listing) throw new Error(`tickets never accepted a listing for event ${eventId} (is it replicated?); see the tickets logs`);
      this.listings.push(listing);
    }
    this.flows = Array.from({ length: this.options.concurrency }, () => this.flow());
  }

  /** Lets every flow finish what it is doing (a late payment waits for its moment), then returns. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.flows);
  }

  stats(): WorkloadStats {
    return {
      requests: this.api.requests(),
      requestsTotal: this.api.total(),
      fates: Object.fromEntries(this.fates),
      events: this.eventIds.length,
      listings: this.listings.length,
      users: this.users.length,
      racesWon: this.racesWon,
      racesWithoutWinner: this.racesWithoutWinner,
      racesWithSeveralWinners: this.racesWithSeveralWinners,
      racesWithSharedTickets: this.racesWithSharedTickets,
      malformedOrders: this.malformedOrders,
      ordersByQuantity: Object.fromEntries([...this.byQuantity.entries()].sort(([a], [b]) => a - b)),
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
        else if (action === 'withdraw') await this.withdraw();
        else await this.browse();
      } catch (err) {
        this.api.count(`workload error ${(err as Error).message}`);
      }
      await sleep(20 + Math.random() * 120);
    }
  }

  private async signUp(): Promise<void> {
    const user = await signUp(this.api);
    if (user) this.users.push({ id: user.id, cookie: user.cookie });
  }

  private async list(): Promise<void> {
    const seller = randomOf(this.users);
    const eventId = randomOf(this.eventIds);
    if (!seller || !eventId) return;
    const listing = await createListing(this.api, seller, eventId, 0);
    if (listing) this.listings.push(listing);
  }

  private open(): Listing[] {
    return this.listings.filter((l) => !l.closed);
  }

  /** A new price under the cap: 200, or 409 while every ticket is held or sold. */
  private async edit(): Promise<void> {
    const listing = randomOf(this.open());
    if (!listing) return;
    const price = randomPriceCents(listing.faceValueCents) / 100;
    await this.api.call('tickets', 'PUT', '/api/listings/:id', `/api/listings/${listing.id}`, { user: listing.seller, body: { price } });
  }

  /** The seller takes what is still available off sale; held tickets run their course. */
  private async withdraw(): Promise<void> {
    const listing = randomOf(this.open());
    if (!listing) return;
    const res = await this.api.call('tickets', 'DELETE', '/api/listings/:id', `/api/listings/${listing.id}`, { user: listing.seller });
    if (res?.status === 204) listing.closed = true;
  }

  private async browse(): Promise<void> {
    const eventId = randomOf(this.eventIds);
    if (eventId) await this.api.call('tickets', 'GET', '/api/listings?eventId', `/api/listings?eventId=${eventId}&quantity=${1 + Math.floor(Math.random() * 4)}&limit=20`);
    const user = randomOf(this.users);
    if (user) await this.api.call('orders', 'GET', '/api/orders', '/api/orders', { user });
  }

  /**
   * Several buyers ask for k ∈ {1..4} tickets of the same listing at once, mostly quantities the listing page offers
   * (some ask blindly, as an old page would); every winner's order then meets its own fate.
   */
  private async race(): Promise<void> {
    // Recent listings first: they are the ones with most left.
    const open = this.open();
    const listing = open.length > 4 && Math.random() < 0.6 ? randomOf(open.slice(-4)) : randomOf(open);
    if (!listing) return;
    const page = await this.api.call('tickets', 'GET', '/api/listings/:id', `/api/listings/${listing.id}`);
    if (page?.status !== 200) return;
    const shown = page.body as { status: string; buyableQuantities: number[] };
    if (shown.status !== 'active') {
      listing.closed = true; // sold out or withdrawn: final
      return;
    }
    const offered = shown.buyableQuantities.filter((k) => k <= 4);
    if (!offered.length) return; // everything is held right now
    const buyers = this.users
      .filter((u) => u !== listing.seller)
      .sort(() => Math.random() - 0.5)
      .slice(0, 2 + Math.floor(Math.random() * 3));
    if (!buyers.length) return;
    const ks = buyers.map(() => (Math.random() < 0.8 ? randomOf(offered)! : 1 + Math.floor(Math.random() * 4)));
    const results = await Promise.all(buyers.map((buyer, i) => this.placeOrder(buyer, listing.id, ks[i]!)));
    const winners = results.filter((r): r is { buyer: User; order: PlacedOrder } => r !== undefined);
    if (!winners.length) {
      this.racesWithoutWinner++;
      return;
    }
    this.racesWon++;
    if (winners.length > 1) this.racesWithSeveralWinners++;
    const ticketIds = winners.flatMap((w) => w.order.tickets.map((t) => t.id));
    if (new Set(ticketIds).size !== ticketIds.length) this.racesWithSharedTickets++;
    await Promise.all(
      winners.map(async ({ buyer, order }) => {
        this.byQuantity.set(order.quantity, (this.byQuantity.get(order.quantity) ?? 0) + 1);
        const fate = pickWeighted(FATES);
        this.fates.set(fate, (this.fates.get(fate) ?? 0) + 1);
        await this.settle(fate, buyer, order);
      }),
    );
  }

  /** POST /api/orders; a listing made moments ago answers 404 until orders' replica has it, so 404 is retried briefly. */
  private async placeOrder(buyer: User, listingId: string, quantity: number): Promise<{ buyer: User; order: PlacedOrder } | undefined> {
    for (let attempt = 0; attempt < 12; attempt++) {
      const res = await this.api.call('orders', 'POST', '/api/orders', '/api/orders', { user: buyer, body: { listingId, quantity } });
      if (res?.status === 201) {
        const order = res.body as PlacedOrder;
        const distinct = new Set(order.tickets.map((t) => t.id)).size;
        if (order.quantity !== quantity || distinct !== quantity || order.tickets.length !== quantity || cents(order.total) !== quantity * cents(order.unitPrice) + cents(order.buyerFee))
          this.malformedOrders++;
        return { buyer, order };
      }
      if (res?.status !== 404 || this.stopping) return undefined;
      await sleep(250);
    }
    return undefined;
  }

  private async settle(fate: Fate, buyer: User, order: PlacedOrder): Promise<void> {
    const cancel = () => this.api.call('orders', 'DELETE', '/api/orders/:id', `/api/orders/${order.id}`, { user: buyer });
    switch (fate) {
      case 'pay':
        await this.pay(buyer, order.id, 'tok_visa');
        return;
      case 'decline-then-pay':
        await this.pay(buyer, order.id, 'tok_chargeDeclined');
        await this.pay(buyer, order.id, 'tok_visa');
        return;
      case 'cancel':
        await cancel();
        return;
      case 'cancel-then-pay':
        // The payment races the cancellation's event to payments: a charge taken now must be refunded.
        await Promise.all([cancel(), sleep(Math.random() * 30).then(() => this.pay(buyer, order.id, 'tok_visa'))]);
        return;
      case 'expire':
        return;
      case 'late-pay':
        // Right around the end of the hold: some are refused (expired), some charged and completed, some charged and
        // refunded because the expiry reached orders first.
        await sleep(Date.parse(order.expiresAt) - Date.now() - 400 + Math.random() * 500);
        await this.pay(buyer, order.id, 'tok_visa');
        return;
    }
  }

  /** POST /api/payments; 404 means payments has not heard of the order yet (events travel), retried briefly. */
  private async pay(buyer: User, orderId: string, token: string): Promise<number | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await this.api.call('payments', 'POST', '/api/payments', '/api/payments', { user: buyer, body: { orderId, token } });
      if (res?.status !== 404) return res?.status;
      await sleep(150);
    }
    return 404;
  }
}
