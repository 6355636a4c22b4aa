import type { Bus } from '@ticketing/common';
import { consumerStates, withClient, type DatabaseService } from './audit-data';
import type { ReplicaPlatform } from './platform';

// "Quiet": the faults are over and the platform has settled by itself. Every replica answers ready, every outbox is
// sent, every durable consumer has nothing pending and nothing unacked, no hold is still open, no payment attempt or
// refund is pending, no expiration timer is waiting, and no delivery is pending past its deadline; twice in a row, a
// second apart.

export interface QuietState {
  replicasReady: boolean;
  unsentOutbox: number;
  consumersBusy: string[];
  openHolds: number;
  pendingAttempts: number;
  pendingRefunds: number;
  pendingTimers: number;
  /** Deliveries still pending past their deadline (tickets' sweeper has not claimed them yet). */
  overdueDeliveries: number;
  /** Complete orders whose delivery is pending past its deadline (orders has not heard of the miss yet). */
  overdueOrders: number;
}

export interface QuietResult {
  reached: boolean;
  afterMs: number;
  last: QuietState | { error: string };
}

function isQuiet(s: QuietState): boolean {
  return s.replicasReady && !s.unsentOutbox && !s.consumersBusy.length && !s.openHolds && !s.pendingAttempts && !s.pendingRefunds && !s.pendingTimers && !s.overdueDeliveries && !s.overdueOrders;
}

async function count(url: string, sql: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]!.n));
}

export async function quietState(deps: QuietDeps): Promise<QuietState> {
  const unsent = await Promise.all((['tickets', 'orders', 'payments', 'catalog'] as const).map((s) => count(deps.dbUrl(s), 'SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL')));
  const consumers = await consumerStates(deps.bus);
  return {
    replicasReady: await deps.platform.allReady(),
    unsentOutbox: unsent.reduce((a, b) => a + b, 0),
    consumersBusy: consumers.filter((c) => c.numPending || c.numAckPending).map((c) => `${c.name}@${c.stream} ${c.numPending}/${c.numAckPending}`),
    openHolds: await count(deps.dbUrl('orders'), "SELECT count(*) AS n FROM orders WHERE status IN ('created', 'awaiting:payment')"),
    pendingAttempts: await count(deps.dbUrl('payments'), "SELECT count(*) AS n FROM payment_attempts WHERE status = 'pending'"),
    pendingRefunds: await count(deps.dbUrl('payments'), "SELECT count(*) AS n FROM refunds WHERE status = 'pending'"),
    pendingTimers: await deps.pendingTimers(),
    overdueDeliveries: await count(deps.dbUrl('tickets'), "SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND deadline <= now()"),
    overdueOrders: await count(
      deps.dbUrl('orders'),
      "SELECT count(*) AS n FROM orders WHERE status = 'complete' AND delivery_status = 'pending' AND delivery_deadline <= now()",
    ),
  };
}

export interface QuietDeps {
  platform: ReplicaPlatform;
  bus: Bus;
  dbUrl: (service: DatabaseService) => string;
  pendingTimers: () => Promise<number>;
}

export async function waitForQuiet(deps: QuietDeps, timeoutMs: number): Promise<QuietResult> {
  const started = Date.now();
  let last: QuietResult['last'] = { error: 'not checked yet' };
  let quietInARow = 0;
  while (Date.now() - started < timeoutMs) {
    try {
      const state = await quietState(deps);
      last = state;
      quietInARow = isQuiet(state) ? quietInARow + 1 : 0;
      if (quietInARow >= 2) return { reached: true, afterMs: Date.now() - started, last };
    } catch (err) {
      last = { error: (err as Error).message };
      quietInARow = 0;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { reached: false, afterMs: Date.now() - started, last };
}

/** Expiration's open BullMQ jobs (delayed, waiting, active, prioritised, paused) in the suite's own Redis. */
export function pendingTimersIn(redis: { zcard(key: string): Promise<number>; llen(key: string): Promise<number> }, queueKey: string): () => Promise<number> {
  return async () => {
    const [delayed, prioritized, wait, active, paused] = await Promise.all([
      redis.zcard(`${queueKey}:delayed`),
      redis.zcard(`${queueKey}:prioritized`),
      redis.llen(`${queueKey}:wait`),
      redis.llen(`${queueKey}:active`),
      redis.llen(`${queueKey}:paused`),
    ]);
    return delayed + prioritized + wait + active + paused;
  };
}
