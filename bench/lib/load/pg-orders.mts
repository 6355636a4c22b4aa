import { configSchema, orderRulesFrom, type OrderRules } from '../../../orders/src/config.js';
import { placeOrder } from '../../../orders/src/domain/place-order.js';
import type { PgOrdersJob, RunResult } from '../protocol.mjs';
import { timeSqlCalls } from './sql-baseline.mjs';

/** Orders' default rules (fees, fair holds), read from its config schema's own defaults so they cannot drift. */
function defaultRules(holdSeconds: number): OrderRules {
  const shape = (configSchema as unknown as { shape: Record<string, { parse(v: unknown): unknown }> }).shape;
  const fields = ['BUYER_FEE_PERCENT', 'SELLER_FEE_PERCENT', 'MAX_HELD_TICKETS_PER_BUYER', 'HOLD_RELEASES_BEFORE_COOLDOWN', 'HOLD_RELEASE_WINDOW_SECONDS', 'HOLD_COOLDOWN_SECONDS'];
  const config = Object.fromEntries(fields.map((k) => [k, shape[k]!.parse(undefined)])) as unknown as Parameters<typeof orderRulesFrom>[0];
  return orderRulesFrom({ ...config, ORDER_EXPIRATION_SECONDS: holdSeconds });
}

/**
 * The baseline of "order creation": the very transaction POST /api/orders runs (orders' placeOrder: the buyer's
 * advisory lock; the listing locked; its event checked; expired holds of the listing cancelled; fair holds counted;
 * the listing's free tickets read and k picked; the order and its order_tickets inserted; its order.created outbox
 * row), called directly, so the statements cannot drift from the service's. The service's own pool (common's
 * createPool: statements prepared, planned per call) of the same size; no HTTP, JSON, session or validation around it.
 */
export function runPgOrders(job: PgOrdersJob): Promise<RunResult> {
  const rules = defaultRules(job.holdSeconds);
  return timeSqlCalls(
    job,
    (i) => i < job.orders.length,
    (pool, i) => placeOrder(pool, rules, { ...job.orders[i]!, quantity: job.quantity }).then(() => undefined),
  );
}
