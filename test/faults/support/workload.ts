import type { DeliveryMethod } from '@ticketing/common';
import { ApiClient, type User } from './client';
import { createListing, randomPriceCents, scheduleEvents, signUp, type Listing } from './market';
import type { ReplicaPlatform } from './platform';
import { Buyers, pickWeighted, type RaceStats } from './buyers';
import { Sellers, type SellerStats } from './sellers';

// The mixed workload, through the public HTTP API of random replicas: an admin schedules events, people sign up,
// sellers list several tickets at a time (seats or general admission, every split rule, `instant` or `later`
// delivery), edit prices and withdraw; buyers race for k tickets of one listing and each winning order meets a fate
// (support/buyers.ts); sellers deliver what was paid for, except on the one event whose sellers never do, and now and
// then someone tries a barcode already on sale (support/sellers.ts). It is a client, not a judge: faults make requests
// fail (5xx, refused connections), and every outcome is counted. The audit judges afterwards; the only verdicts here
// are what any buyer or seller could see in the answers themselves.

type Action = 'signup' | 'list' | 'race' | 'edit' | 'withdraw' | 'browse' | 'duplicate';
const ACTIONS: [Action, number][] = [
  ['signup', 3],
  ['list', 16],
  ['duplicate', 2],
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
  /** The share of listings sold `instant` (their items attached before they go on sale). */
  instantShare: number;
  /** DELIVERY_CUTOFF_HOURS as the services were given it, in milliseconds. */
  deliveryCutoffMs: number;
  /**
   * The no-show event starts this long (plus the cutoff) after the workload schedules it: its `later` sales, never
   * delivered, pass their deadline inside the run.
   */
  noShowDeadlineAfterMs: number;
}

/** The sale made before the faults begin whose seller never delivers: it must end cancelled not_delivered, refunded. */
export interface NoShowSale {
  eventId: string;
  deadline: string;
  listingId: string;
  orderId: string;
  paid: number | undefined;
  /** The seller's upload after the deadline (scenario.ts, once quiet): 409 is the only right answer. */
  lateUpload?: number;
}

export interface WorkloadStats extends RaceStats {
  requests: Record<string, number>;
  requestsTotal: number;
  events: number;
  listings: number;
  users: number;
  sellers: SellerStats;
  noShow: NoShowSale | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomOf = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

export class Workload {
  private readonly api: ApiClient;
  private readonly users: User[] = [];
  private readonly listings: Listing[] = [];
  private eventIds: string[] = [];
  private noShowEvent: { id: string; deadline: number } | undefined;
  private noShow: NoShowSale | undefined;
  private readonly sellers: Sellers;
  private readonly buyers: Buyers;
  private stopping = false;
  private flows: Promise<void>[] = [];

  constructor(
    platform: ReplicaPlatform,
    private readonly options: WorkloadOptions,
  ) {
    this.api = new ApiClient(platform);
    this.sellers = new Sellers(this.api, () => this.noShowEvent?.id);
    this.buyers = new Buyers(this.api, this.sellers, () => this.stopping);
  }

  async start(): Promise<void> {
    const deadline = Date.now() + this.options.noShowDeadlineAfterMs;
    const ids = await scheduleEvents(this.api, EVENTS, [new Date(deadline + this.options.deliveryCutoffMs)]);
    this.noShowEvent = { id: ids[EVENTS]!, deadline };
    this.eventIds = ids;
    for (let i = 0; i < this.options.initialUsers; i++) await this.signUp();
    if (this.users.length < 3) throw new Error('the workload could not sign up its first users; is auth up?');
    // The first listing of each event waits for the event to reach tickets (catalog → EVENTS → tickets' replica).
    for (const eventId of this.eventIds.slice(0, EVENTS)) {
      const listing = await this.listFor(this.users[0]!, eventId, EVENT_REPLICATION_WAIT_MS);
      if (!listing) throw new Error(`tickets never accepted a listing for event ${eventId} (is it replicated?); see the tickets logs`);
    }
    await this.sellToNoShow(this.noShowEvent.id, new Date(deadline).toISOString());
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
      events: this.eventIds.length,
      listings: this.listings.length,
      users: this.users.length,
      ...this.buyers.stats(),
      sellers: this.sellers.stats(),
      noShow: this.noShow,
    };
  }

  /**
   * Before the faults: a `later` listing of one ticket on the no-show event, bought and paid. Its seller never
   * delivers, so the order must end cancelled (not_delivered) and refunded whatever the faults do.
   */
  private async sellToNoShow(eventId: string, deadline: string): Promise<void> {
    const listing = await createListing(this.api, this.users[1]!, eventId, EVENT_REPLICATION_WAIT_MS, 'later', true);
    if (!listing) throw new Error(`tickets never accepted a listing for the no-show event ${eventId}; see the tickets logs`);
    this.listings.push({ ...listing, closed: true });
    const placed = await this.buyers.placeOrder(this.users[2]!, listing.id, 1);
    if (!placed) throw new Error(`orders refused the no-show sale of listing ${listing.id}; see the orders logs`);
    const paid = await this.buyers.pay(this.users[2]!, placed.order.id, 'tok_visa');
    this.noShow = { eventId, deadline, listingId: listing.id, orderId: placed.order.id, paid };
    await this.sellers.deliver(listing, placed.order.tickets);
  }

  /** After quiet: the no-show seller uploads at last, past the deadline (the order was refunded): 409 expected. */
  async uploadPastDeadline(): Promise<number | undefined> {
    const sale = this.noShow;
    const listing = this.listings.find((l) => l.id === sale?.listingId);
    if (!sale || !listing) return undefined;
    sale.lateUpload = await this.sellers.attach(listing, listing.tickets[0]!);
    return sale.lateUpload;
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
        else if (action === 'duplicate') await this.duplicate();
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
    // The no-show event's sales stop at its deadline (orders refuses `later` ones): nobody lists for it after that.
    const events = this.noShowEvent && Date.now() < this.noShowEvent.deadline - 2000 ? this.eventIds : this.eventIds.slice(0, EVENTS);
    const eventId = randomOf(events);
    if (!seller || !eventId) return;
    await this.listFor(seller, eventId, 0);
  }

  /**
   * A listing, `instant` (every ticket's item attached before it goes on sale) or `later` (a fifth of those sellers
   * attach the items before any sale too); it joins the market once it is on sale.
   */
  private async listFor(seller: User, eventId: string, waitMs: number): Promise<Listing | undefined> {
    const delivery: DeliveryMethod = Math.random() < this.options.instantShare ? 'instant' : 'later';
    const listing = await createListing(this.api, seller, eventId, waitMs, delivery);
    if (!listing) return undefined;
    if (delivery === 'instant' || (Math.random() < 0.2 && eventId !== this.noShowEvent?.id)) await this.sellers.stock(listing);
    this.listings.push(listing);
    return listing;
  }

  /** Someone tries a barcode already on sale (409 expected), then lists with one of their own. */
  private async duplicate(): Promise<void> {
    const seller = randomOf(this.users);
    const eventId = randomOf(this.eventIds.slice(0, EVENTS));
    if (!seller || !eventId) return;
    const listing = await this.sellers.tryDuplicate(seller, eventId);
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
    listing.withdrawn = true; // from now on, maybe: its barcodes may leave the set on sale
    const res = await this.api.call('tickets', 'DELETE', '/api/listings/:id', `/api/listings/${listing.id}`, { user: listing.seller });
    if (res?.status === 204) listing.closed = true;
  }

  private async browse(): Promise<void> {
    const eventId = randomOf(this.eventIds);
    if (eventId) await this.api.call('tickets', 'GET', '/api/listings?eventId', `/api/listings?eventId=${eventId}&quantity=${1 + Math.floor(Math.random() * 4)}&limit=20`);
    const user = randomOf(this.users);
    if (user) await this.api.call('orders', 'GET', '/api/orders', '/api/orders', { user });
  }

  /** Buyers race for the listing (recent listings first: they are the ones with most left). */
  private async race(): Promise<void> {
    const open = this.open();
    const listing = open.length > 4 && Math.random() < 0.6 ? randomOf(open.slice(-4)) : randomOf(open);
    if (listing) await this.buyers.race(listing, this.users);
  }
}
