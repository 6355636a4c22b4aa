// Support for ../event-cancelled.test.ts: a bounded pool of parallel requests, polling until a condition holds, and
// the read-only audits of the services' databases that decide "everyone refunded exactly once".
import { sleep } from './hold-expiry';
import { queryServiceDatabase } from './delivery-deadline';

/** Runs `fn` over `items` with at most `limit` running at once; results in input order. */
export async function inParallel<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Polls `check` until it returns a value other than undefined; throws with `what` and the last reading after the timeout. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export interface CancellationAudit {
  orders: { total: number; byStatusAndReason: Record<string, number>; paidBeforeCancel: number };
  /** Charges orders never accepted (their payment.created came after the cancellation: order.payment_rejected). */
  rejectedCharges: number;
  /** Succeeded charges (payments rows) for the event's orders, and how each was refunded. */
  charges: number;
  chargesNotRefundedOnce: Array<{ paymentId: string; refunds: number; succeeded: number; refundedCents: number | null; totalCents: number; ledger?: string }>;
  /** payments' ledger: transactions (whole database) that do not sum to zero, and the seller payable left on these orders. */
  ledger: { unbalancedTransactions: number; payableLeftCents: number };
  gatewayChargesWithoutOneRefund: number;
  payouts: Record<string, number>;
  listings: Record<string, number>;
  tickets: Record<string, number>;
}

const tally = (rows: Array<{ k: string; n: number }>) => Object.fromEntries(rows.map((r) => [r.k, r.n]));

/** Everything the test asserts after the cancellation, read straight from orders', payments' and tickets' databases. */
export async function auditCancelledEvent(databases: Record<string, string>, eventId: string): Promise<CancellationAudit> {
  const orders = await queryServiceDatabase<{ id: string; total_cents: number; k: string; payment_id: string | null }>(
    databases.orders!,
    `SELECT id, total_cents, payment_id, status || '/' || coalesce(cancel_reason, '-') AS k FROM orders WHERE event_id = $1`,
    [eventId],
  );
  const totals = new Map(orders.map((o) => [o.id, o.total_cents]));
  const byStatusAndReason: Record<string, number> = {};
  for (const o of orders) byStatusAndReason[o.k] = (byStatusAndReason[o.k] ?? 0) + 1;
  const ids = [...totals.keys()];

  const charges = await queryServiceDatabase<{ payment_id: string; order_id: string; amount_cents: number; refunds: number; succeeded: number; refunded_cents: number | null }>(
    databases.payments!,
    `SELECT p.id AS payment_id, p.order_id, p.amount_cents,
            count(r.id)::int AS refunds, count(r.id) FILTER (WHERE r.status = 'succeeded')::int AS succeeded, sum(r.amount_cents)::int AS refunded_cents
       FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id
      WHERE p.order_id = ANY($1::uuid[]) GROUP BY p.id`,
    [ids],
  );
  const ledger = await ledgerOfCancelledOrders(databases.payments!, ids);
  const ledgerProblems = new Map(ledger.orders.filter((o) => o.problem).map((o) => [o.orderId, o.problem!]));
  // A charge is refunded once in the books too: one charge, one reversal, one cash-out, every account back to zero.
  const chargesNotRefundedOnce = charges
    .filter((c) => c.refunds !== 1 || c.succeeded !== 1 || c.refunded_cents !== totals.get(c.order_id) || c.amount_cents !== totals.get(c.order_id) || ledgerProblems.has(c.order_id))
    .map((c) => ({
      paymentId: c.payment_id, refunds: c.refunds, succeeded: c.succeeded, refundedCents: c.refunded_cents, totalCents: totals.get(c.order_id)!,
      ...(ledgerProblems.has(c.order_id) ? { ledger: ledgerProblems.get(c.order_id) } : {}),
    }));
  // At the provider (the built-in test gateway): every successful charge of these orders refunded exactly once.
  const [gateway] = await queryServiceDatabase<{ n: number }>(
    databases.payments!,
    `SELECT count(*)::int AS n FROM test_gateway_charges c
      WHERE c.status = 'succeeded' AND c.id IN (SELECT provider_id FROM payments WHERE order_id = ANY($1::uuid[]))
        AND (SELECT count(*) FROM test_gateway_refunds r WHERE r.payment_intent_id = c.id) <> 1`,
    [ids],
  );
  const payouts = await queryServiceDatabase<{ k: string; n: number }>(
    databases.payments!,
    `SELECT status AS k, count(*)::int AS n FROM payouts WHERE order_id = ANY($1::uuid[]) GROUP BY status`,
    [ids],
  );
  const listings = await queryServiceDatabase<{ k: string; n: number }>(
    databases.tickets!,
    `SELECT status AS k, count(*)::int AS n FROM listings WHERE event_id = $1 GROUP BY status`,
    [eventId],
  );
  const tickets = await queryServiceDatabase<{ k: string; n: number }>(
    databases.tickets!,
    `SELECT t.status AS k, count(*)::int AS n FROM tickets t JOIN listings l ON l.id = t.listing_id WHERE l.event_id = $1 GROUP BY t.status`,
    [eventId],
  );
  return {
    orders: { total: orders.length, byStatusAndReason, paidBeforeCancel: orders.filter((o) => o.payment_id).length },
    charges: charges.length,
    rejectedCharges: charges.filter((c) => !orders.some((o) => o.id === c.order_id && o.payment_id === c.payment_id)).length,
    chargesNotRefundedOnce,
    ledger: { unbalancedTransactions: ledger.unbalancedTransactions, payableLeftCents: ledger.payableLeftCents },
    gatewayChargesWithoutOneRefund: gateway!.n,
    payouts: tally(payouts),
    listings: tally(listings),
    tickets: tally(tickets),
  };
}

/**
 * payments' ledger after the cancellation: every transaction balanced (the database refuses otherwise at commit; this
 * reads it back), and per paid order one charge, one reversal (refund_owed) and one cash-out (refund) leaving every
 * account, the seller's payable included, at zero for the order.
 */
async function ledgerOfCancelledOrders(database: string, orderIds: string[]) {
  const [unbalanced] = await queryServiceDatabase<{ n: number }>(
    database,
    `SELECT count(*)::int AS n FROM (SELECT t.id FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
                                     GROUP BY t.id HAVING coalesce(sum(e.amount_cents), 0) <> 0 OR count(e.*) < 2) x`,
  );
  const rows = await queryServiceDatabase<{ order_id: string; charges: number; reversals: number; refunds: number; accounts_left: string[] | null; payable_left: number }>(
    database,
    `SELECT p.order_id,
            (SELECT count(*)::int FROM ledger_transactions t WHERE t.order_id = p.order_id AND t.kind = 'charge') AS charges,
            (SELECT count(*)::int FROM ledger_transactions t WHERE t.order_id = p.order_id AND t.kind = 'refund_owed') AS reversals,
            (SELECT count(*)::int FROM ledger_transactions t WHERE t.order_id = p.order_id AND t.kind = 'refund') AS refunds,
            (SELECT array_agg(account || ' ' || net) FROM (SELECT e.account, sum(e.amount_cents) AS net FROM ledger_transactions t
               JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.order_id = p.order_id GROUP BY e.account HAVING sum(e.amount_cents) <> 0) a) AS accounts_left,
            (SELECT coalesce(sum(e.amount_cents), 0)::int FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
              WHERE t.order_id = p.order_id AND e.account LIKE 'seller\\_payable:%') AS payable_left
       FROM payments p WHERE p.order_id = ANY($1::uuid[])`,
    [orderIds],
  );
  return {
    unbalancedTransactions: unbalanced!.n,
    payableLeftCents: rows.reduce((s, r) => s + r.payable_left, 0),
    orders: rows.map((r) => ({
      orderId: r.order_id,
      problem:
        r.charges !== 1 || r.reversals !== 1 || r.refunds !== 1 || r.accounts_left || unbalanced!.n
          ? `charge ${r.charges}, reversal ${r.reversals}, refund ${r.refunds}; left: ${(r.accounts_left ?? []).join(', ') || 'none'}; unbalanced transactions ${unbalanced!.n}`
          : undefined,
    })),
  };
}
