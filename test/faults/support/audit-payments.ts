import type { AuditData } from './audit-data';
import { countBy, groupBy, str, type Findings } from './findings';

// docs/design.md invariants 6 (charged means served or refunded; a charge is the order's total) and 3's outer bound
// (holds end on time), checked on what payments, orders and tickets stored.

const HOLD_GRACE_MS = 60_000;

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function lateness(values: number[]): { n: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null } {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.length ? sorted[sorted.length - 1]! : null };
}

/** Invariant 6: every charge is a stored payment of the order's total; it completed the order or was refunded. */
export function paymentsAudit(data: AuditData, f: Findings, figures: Record<string, unknown>): void {
  const p = data.payments;
  const orders = new Map(data.orders.orders.map((o) => [o.id, o]));
  const paymentsByProvider = new Map(p.payments.map((x) => [x.providerId, x]));
  const paymentsById = new Map(p.payments.map((x) => [x.id, x]));
  const attemptsByKey = new Map(p.attempts.map((a) => [a.idempotencyKey, a]));
  const refunded = new Set(p.gatewayRefunds.map((r) => r.paymentIntentId));
  const refundRows = new Map(p.refunds.map((r) => [r.paymentId, r]));
  const refundEvents = countBy(
    p.outbox.filter((r) => r.subject === 'payment.refunded'),
    (r) => str(r.payload.id),
  );
  const chargedOrders = new Map<string, number>();
  for (const charge of p.charges.filter((c) => c.status === 'succeeded')) {
    const attempt = attemptsByKey.get(charge.idempotencyKey);
    if (attempt) chargedOrders.set(attempt.orderId, (chargedOrders.get(attempt.orderId) ?? 0) + 1);
    const payment = paymentsByProvider.get(charge.id);
    if (!payment) {
      f.add('charge without a stored payment', `${charge.id} (key ${charge.idempotencyKey}, ${charge.amountCents}c)`);
      continue;
    }
    if (payment.amountCents !== charge.amountCents) f.add('charged amount differs from the payment', `${payment.id}: charged ${charge.amountCents}c, stored ${payment.amountCents}c`);
  }
  for (const [orderId, n] of chargedOrders) if (n > 1) f.add('order charged more than once', `${orderId}: ${n} charges`);
  for (const pay of p.payments) {
    const order = orders.get(pay.orderId);
    if (!order) {
      f.add('payment for an order orders does not have', `${pay.id} → ${pay.orderId}`);
      continue;
    }
    if (pay.amountCents !== order.totalCents) f.add('payment amount is not the order total', `${pay.id}: ${pay.amountCents}c, order ${order.totalCents}c`);
    const servedByIt = order.status === 'complete' && order.paymentId === pay.id;
    if (pay.status === 'succeeded' && !servedByIt) f.add('charged but neither served nor refunded', `${pay.id}: order ${order.id} is ${order.status}${order.cancelReason ? `:${order.cancelReason}` : ''}`);
    if (pay.status === 'refunded') {
      if (servedByIt) f.add('refunded a payment that completed its order', `${pay.id} → ${order.id}`);
      if (!refunded.has(pay.providerId)) f.add('payment marked refunded, provider has no refund', pay.id);
      if (refundRows.get(pay.id)?.status !== 'succeeded') f.add('payment refunded without a finished refund row', pay.id);
    }
    const events = refundEvents[pay.id] ?? 0;
    if (events !== (pay.status === 'refunded' ? 1 : 0)) f.add('payment.refunded not published exactly once', `${pay.id} (${pay.status}): ${events}`);
  }
  for (const o of data.orders.orders) {
    if (o.status !== 'complete') continue;
    const pay = o.paymentId ? paymentsById.get(o.paymentId) : undefined;
    if (!pay || pay.orderId !== o.id || pay.status !== 'succeeded') f.add('complete order without its succeeded payment', `${o.id} (payment ${o.paymentId ?? '-'}: ${pay?.status ?? 'missing'})`);
  }
  for (const a of p.attempts) if (a.status === 'pending') f.add('payment attempt still pending', `${a.id} for ${a.orderId}`);
  for (const r of p.refunds) if (r.status !== 'succeeded') f.add('refund still pending', r.paymentId);
  // payments' ledger, once audit-data.ts loads it (LEDGER_ENTRIES_SQL into data.payments.ledger).
  const ledger = (p as { ledger?: LedgerRow[] }).ledger;
  if (ledger) ledgerAudit(data, ledger, f, figures);
  else figures.ledger = 'not loaded';
  figures.payments = {
    charges: countBy(p.charges, (c) => c.status),
    attempts: countBy(p.attempts, (a) => a.status),
    payments: countBy(p.payments, (x) => x.status),
    refunds: p.gatewayRefunds.length,
    paymentRejectedEvents: data.orders.outbox.filter((r) => r.subject === 'order.payment_rejected').length,
  };
}

/** Invariant 3's outer bound: no hold outlived its expiry by more than 60 s (and none ended early), on both sides. */
export function holdsAudit(data: AuditData, f: Findings, figures: Record<string, unknown>, now: Date): void {
  const cancelledAt = new Map<string, Date>();
  for (const row of data.orders.outbox) if (row.subject === 'order.cancelled' && row.payload.reason === 'expired') cancelledAt.set(str(row.payload.id), row.occurredAt);
  const cancelLate: number[] = [];
  for (const o of data.orders.orders) {
    if (o.status === 'created' && now.getTime() - o.expiresAt.getTime() > HOLD_GRACE_MS)
      f.add('hold outlived its expiry by more than 60 s', `${o.id}: still created, expired ${Math.round((now.getTime() - o.expiresAt.getTime()) / 1000)} s ago`);
    if (o.cancelReason !== 'expired') continue;
    const at = cancelledAt.get(o.id);
    if (!at) continue; // reported by the event checks
    const late = at.getTime() - o.expiresAt.getTime();
    cancelLate.push(late);
    if (late < 0) f.add('hold ended before its expiry', `${o.id}: ${late} ms`);
    if (late > HOLD_GRACE_MS) f.add('hold outlived its expiry by more than 60 s', `${o.id}: cancelled ${late} ms after expiry`);
  }
  // The listing's side: tickets frees an order's tickets in the transaction that records the order as cancelled.
  const expired = new Map(data.orders.orders.filter((o) => o.cancelReason === 'expired').map((o) => [o.id, o]));
  const releaseLate: number[] = [];
  for (const k of data.tickets.knownOrders) {
    const order = expired.get(k.orderId);
    if (!order || k.state !== 'cancelled') continue;
    const late = k.updatedAt.getTime() - order.expiresAt.getTime();
    releaseLate.push(late);
    if (late > HOLD_GRACE_MS) f.add('tickets released more than 60 s after their hold expired', `${order.id} (${order.quantity} tickets): ${late} ms`);
  }
  figures.expiredHolds = { cancelledAfterExpiry: lateness(cancelLate), ticketsReleasedAfterExpiry: lateness(releaseLate) };
}

/** One line of payments' ledger (account null: a transaction without lines). */
export interface LedgerRow {
  transactionId: string;
  kind: string;
  orderId: string;
  paymentId: string | null;
  account: string | null;
  amountCents: number | null;
}

/** What audit-data.ts reads from payments' database for ledgerAudit (as `ledger`). */
export const LEDGER_ENTRIES_SQL = `SELECT t.id AS "transactionId", t.kind, t.order_id AS "orderId", t.payment_id AS "paymentId",
       e.account, e.amount_cents::int AS "amountCents"
  FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id`;

/**
 * The money invariants on payments' double-entry ledger: every transaction sums to zero; per order, the postings are
 * exactly its charge (total in = buyer fee + seller fee + seller's share) and, when refunded, its full reversal and
 * cash-out; a refunded order leaves no seller payable.
 */
export function ledgerAudit(data: AuditData, ledger: LedgerRow[], f: Findings, figures: Record<string, unknown>): void {
  const byTransaction = groupBy(ledger, (r) => r.transactionId);
  for (const [id, lines] of byTransaction) {
    const sum = lines.reduce((s, l) => s + (l.amountCents ?? 0), 0);
    const n = lines.filter((l) => l.account !== null).length;
    if (sum !== 0 || n < 2) f.add('ledger transaction does not sum to zero', `${id} (${lines[0]!.kind}, order ${lines[0]!.orderId}): ${n} lines, sum ${sum}c`);
  }
  const orders = new Map(data.orders.orders.map((o) => [o.id, o]));
  const refundRows = new Map(data.payments.refunds.map((r) => [r.paymentId, r]));
  const ledgerByOrder = groupBy(ledger, (r) => r.orderId);
  const balances: Record<string, number> = {};
  for (const l of ledger) if (l.account) balances[l.account] = (balances[l.account] ?? 0) + l.amountCents!;
  for (const pay of data.payments.payments) {
    const order = orders.get(pay.orderId);
    const lines = ledgerByOrder.get(pay.orderId) ?? [];
    const txs = (kind: string) => new Set(lines.filter((l) => l.kind === kind).map((l) => l.transactionId)).size;
    const refund = refundRows.get(pay.id);
    const expectedTx = { charge: 1, refund_owed: refund ? 1 : 0, refund: refund?.status === 'succeeded' ? 1 : 0 };
    const actualTx = { charge: txs('charge'), refund_owed: txs('refund_owed'), refund: txs('refund') };
    if (JSON.stringify(actualTx) !== JSON.stringify(expectedTx)) {
      f.add('order ledger postings do not match its charge and refunds', `${pay.orderId}: ${JSON.stringify(actualTx)}, expected ${JSON.stringify(expectedTx)}`);
      continue;
    }
    const net: Record<string, number> = {};
    for (const l of lines) {
      if (!l.account) continue;
      const account = l.account.startsWith('seller_payable:') ? 'seller_payable' : l.account;
      net[account] = (net[account] ?? 0) + l.amountCents!;
    }
    const payable = net.seller_payable ?? 0;
    if (refund && payable !== 0) f.add('seller payable left for a refunded order', `${pay.orderId}: ${payable}c`);
    if (!order) continue; // reported by paymentsAudit
    const share = order.quantity * order.unitPriceCents - order.sellerFeeCents;
    const expected: Record<string, number> = !refund
      ? { buyer_funds: pay.amountCents, 'platform_fees:buyer': -order.buyerFeeCents, 'platform_fees:seller': -order.sellerFeeCents, seller_payable: -share }
      : refund.status === 'succeeded' ? {} : { buyer_funds: pay.amountCents, refunds: -pay.amountCents };
    const nonZero = (r: Record<string, number>) => JSON.stringify(Object.entries(r).filter(([, v]) => v !== 0).sort());
    if (nonZero(net) !== nonZero(expected)) f.add('order ledger entries do not match its charge, fees and refunds', `${pay.orderId}: ${nonZero(net)}, expected ${nonZero(expected)}`);
  }
  const paid = new Set(data.payments.payments.map((x) => x.orderId));
  for (const [orderId] of ledgerByOrder) if (!paid.has(orderId)) f.add('ledger postings for an order without a payment', orderId);
  figures.ledger = { transactions: byTransaction.size, byKind: countBy([...byTransaction.values()].map((l) => l[0]!), (l) => l.kind), balances };
}
