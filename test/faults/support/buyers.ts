import type { ApiClient, User } from './client';
import type { Listing } from './market';
import type { Sellers } from './sellers';

// The buyers' side of the workload: several buyers race for k ∈ {1, 2, 3, 4} tickets of one listing, each winner's
// order meets a fate (paid, declined then paid, cancelled, cancelled while a payment is on its way, left to expire,
// paid right around its expiry), and the seller delivers what was paid for. The answers themselves are checked: no
// ticket in two 201s, each order `quantity` distinct tickets at quantity × unit price + buyer fee.

export type Fate = 'pay' | 'decline-then-pay' | 'cancel' | 'cancel-then-pay' | 'expire' | 'late-pay';

const FATES: [Fate, number][] = [
  ['pay', 34],
  ['decline-then-pay', 10],
  ['cancel', 12],
  ['cancel-then-pay', 12],
  ['expire', 16],
  ['late-pay', 16],
];

export interface PlacedOrder {
  id: string;
  expiresAt: string;
  quantity: number;
  tickets: { id: string; seat: string | null }[];
  unitPrice: number;
  buyerFee: number;
  total: number;
}

export interface RaceStats {
  fates: Record<string, number>;
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

export function pickWeighted<T>(table: [T, number][]): T {
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

export class Buyers {
  private readonly fates = new Map<string, number>();
  private readonly byQuantity = new Map<number, number>();
  private racesWon = 0;
  private racesWithoutWinner = 0;
  private racesWithSeveralWinners = 0;
  private racesWithSharedTickets = 0;
  private malformedOrders = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly sellers: Sellers,
    private readonly stopping: () => boolean,
  ) {}

  stats(): RaceStats {
    return {
      fates: Object.fromEntries(this.fates),
      racesWon: this.racesWon,
      racesWithoutWinner: this.racesWithoutWinner,
      racesWithSeveralWinners: this.racesWithSeveralWinners,
      racesWithSharedTickets: this.racesWithSharedTickets,
      malformedOrders: this.malformedOrders,
      ordersByQuantity: Object.fromEntries([...this.byQuantity.entries()].sort(([a], [b]) => a - b)),
    };
  }

  /**
   * Several buyers ask for k ∈ {1..4} tickets of the same listing at once, mostly quantities the listing page offers
   * (some ask blindly, as an old page would); every winner's order then meets its own fate.
   */
  async race(listing: Listing, users: User[]): Promise<void> {
    const page = await this.api.call('tickets', 'GET', '/api/listings/:id', `/api/listings/${listing.id}`);
    if (page?.status !== 200) return;
    const shown = page.body as { status: string; buyableQuantities: number[] };
    if (shown.status === 'pending') return; // an instant listing whose items are not all attached (an upload gave up)
    if (shown.status !== 'active') {
      listing.closed = true; // sold out or withdrawn: final
      return;
    }
    const offered = shown.buyableQuantities.filter((k) => k <= 4);
    if (!offered.length) return; // everything is held right now
    const buyers = users
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
        // A sale the buyer paid for (or tried to: a charge a killed replica left may still complete it) is delivered.
        if (fate !== 'cancel' && fate !== 'expire') await this.sellers.deliver(listing, order.tickets);
      }),
    );
  }

  /** POST /api/orders; a listing made moments ago answers 404 until orders' replica has it, so 404 is retried briefly. */
  async placeOrder(buyer: User, listingId: string, quantity: number): Promise<{ buyer: User; order: PlacedOrder } | undefined> {
    for (let attempt = 0; attempt < 12; attempt++) {
      const res = await this.api.call('orders', 'POST', '/api/orders', '/api/orders', { user: buyer, body: { listingId, quantity } });
      if (res?.status === 201) {
        const order = res.body as PlacedOrder;
        const distinct = new Set(order.tickets.map((t) => t.id)).size;
        if (order.quantity !== quantity || distinct !== quantity || order.tickets.length !== quantity || cents(order.total) !== quantity * cents(order.unitPrice) + cents(order.buyerFee))
          this.malformedOrders++;
        return { buyer, order };
      }
      if (res?.status !== 404 || this.stopping()) return undefined;
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
  async pay(buyer: User, orderId: string, token: string): Promise<number | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await this.api.call('payments', 'POST', '/api/payments', '/api/payments', { user: buyer, body: { orderId, token } });
      if (res?.status !== 404) return res?.status;
      await sleep(150);
    }
    return 404;
  }
}
