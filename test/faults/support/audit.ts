import type { EventSubject, StreamKey } from '@ticketing/common';
import type { AuditData, OutboxRow } from './audit-data';

// The audit: docs/design.md invariants 1, 4 and 6 (and 2's "holds end") checked on what every database and stream holds
// once the platform is quiet. Each broken rule is a violation with a few examples; the figures say what was checked.

export interface Violation {
  rule: string;
  count: number;
  examples: string[];
}

export interface AuditReport {
  violations: Violation[];
  figures: Record<string, unknown>;
}

/** Who consumes what, in which database (the inbox's consumer column is the service name). */
const CONSUMERS: { service: 'tickets' | 'orders' | 'payments'; stream: StreamKey; subjects: EventSubject[] }[] = [
  { service: 'tickets', stream: 'ORDERS', subjects: ['order.created', 'order.cancelled', 'order.completed'] },
  { service: 'orders', stream: 'TICKETS', subjects: ['ticket.created', 'ticket.updated'] },
  { service: 'orders', stream: 'EXPIRATION', subjects: ['expiration.completed'] },
  { service: 'orders', stream: 'PAYMENTS', subjects: ['payment.created'] },
  { service: 'payments', stream: 'ORDERS', subjects: ['order.created', 'order.cancelled', 'order.completed', 'order.payment_rejected'] },
];
const PUBLISHER: Partial<Record<StreamKey, 'tickets' | 'orders' | 'payments'>> = { TICKETS: 'tickets', ORDERS: 'orders', PAYMENTS: 'payments' };
const HOLD_GRACE_MS = 60_000;
const ACTIVE = new Set(['created', 'awaiting:payment', 'complete']);
const KNOWN_STATE: Record<string, string> = { created: 'created', 'awaiting:payment': 'created', cancelled: 'cancelled', complete: 'completed' };

class Findings {
  private readonly map = new Map<string, Violation>();
  add(rule: string, example: string): void {
    const v = this.map.get(rule) ?? { rule, count: 0, examples: [] };
    v.count++;
    if (v.examples.length < 5) v.examples.push(example);
    this.map.set(rule, v);
  }
  list(): Violation[] {
    return [...this.map.values()];
  }
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function lateness(values: number[]): { n: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null } {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.length ? sorted[sorted.length - 1]! : null };
}

const str = (v: unknown) => String(v);

export function audit(data: AuditData, now = new Date()): AuditReport {
  const f = new Findings();
  const figures: Record<string, unknown> = {};
  eventsAudit(data, f, figures);
  ticketsAudit(data, f, figures);
  paymentsAudit(data, f, figures);
  holdsAudit(data, f, figures, now);
  return { violations: f.list(), figures };
}

/** Invariant 4: every outbox row published, in the stream, consumed exactly once in effect; replicas agree. */
function eventsAudit(data: AuditData, f: Findings, figures: Record<string, unknown>): void {
  const outboxes = { tickets: data.tickets.outbox, orders: data.orders.outbox, payments: data.payments.outbox };
  const inboxes = { tickets: data.tickets.inbox, orders: data.orders.inbox, payments: data.payments.inbox };
  for (const [service, outbox] of Object.entries(outboxes)) {
    for (const row of outbox) if (!row.sentAt) f.add('outbox row never published', `${service}: ${row.subject} ${row.eventId}`);
  }
  const streamIds: Record<string, Set<string>> = {};
  for (const [stream, { events }] of Object.entries(data.streams)) {
    streamIds[stream] = new Set(events.map((e) => e.eventId));
    const publisher = PUBLISHER[stream as StreamKey];
    if (publisher && events.length !== streamIds[stream].size) f.add('event stored twice in its stream', `${stream}: ${events.length} messages, ${streamIds[stream].size} ids`);
    if (publisher) {
      const outboxIds = new Set(outboxes[publisher].map((r) => r.eventId));
      for (const row of outboxes[publisher]) if (!streamIds[stream].has(row.eventId)) f.add('outbox event missing from its stream', `${stream}: ${row.subject} ${row.eventId}`);
      for (const e of events) if (!outboxIds.has(e.eventId)) f.add('stream event without an outbox row', `${stream}: ${e.subject} ${e.eventId}`);
    }
  }
  // Every event a service should consume is in its inbox (the inbox's primary key makes "at most once" structural).
  const inboxIds = Object.fromEntries(Object.entries(inboxes).map(([s, rows]) => [s, new Set(rows.map((r) => r.eventId))]));
  const expected: Record<string, Set<string>> = { tickets: new Set(), orders: new Set(), payments: new Set() };
  for (const c of CONSUMERS) {
    const events = data.streams[c.stream].events.filter((e) => c.subjects.includes(e.subject));
    for (const e of events) {
      expected[c.service]!.add(e.eventId);
      if (!inboxIds[c.service]!.has(e.eventId)) f.add('event never consumed', `${c.service} lacks ${e.subject} ${e.eventId} (${JSON.stringify(e.payload).slice(0, 120)})`);
    }
  }
  for (const [service, rows] of Object.entries(inboxes)) {
    for (const r of rows) if (!expected[service]!.has(r.eventId)) f.add('inbox holds an event no stream carries', `${service}: ${r.subject} ${r.eventId}`);
  }
  for (const c of data.consumers) {
    if (c.numPending || c.numAckPending) f.add('consumer not caught up', `${c.name} on ${c.stream}: ${c.numPending} pending, ${c.numAckPending} unacked`);
  }
  if (data.pendingTimers) f.add('expiration timers still pending', `${data.pendingTimers} jobs`);

  // Replicas hold the source's latest version (invariant 5, observed after the fact).
  const orderReplica = new Map(data.orders.tickets.map((t) => [t.id, t]));
  for (const t of data.tickets.tickets) {
    const r = orderReplica.get(t.id);
    if (!r) f.add('replica diverged: orders lacks a ticket', t.id);
    else if (r.version !== t.version || r.priceCents !== t.priceCents || r.title !== t.title)
      f.add('replica diverged: orders has another ticket version', `${t.id}: tickets v${t.version} ${t.priceCents}c, orders v${r.version} ${r.priceCents}c`);
  }
  const paymentsReplica = new Map(data.payments.orders.map((o) => [o.id, o]));
  const known = new Map(data.tickets.knownOrders.map((k) => [k.orderId, k]));
  for (const o of data.orders.orders) {
    const r = paymentsReplica.get(o.id);
    if (!r) f.add('replica diverged: payments lacks an order', o.id);
    else if (r.version !== o.version || r.status !== o.status || r.priceCents !== o.priceCents)
      f.add('replica diverged: payments has another order version', `${o.id}: orders v${o.version} ${o.status}, payments v${r.version} ${r.status}`);
    const k = known.get(o.id);
    if (!k) f.add('replica diverged: tickets never heard of an order', o.id);
    else if (k.state !== KNOWN_STATE[o.status]) f.add('replica diverged: tickets has another order state', `${o.id}: orders ${o.status}, tickets ${k.state}`);
  }

  // Each order published its life exactly once: one order.created, one terminal event iff it ended, at its version.
  const byOrder = new Map<string, OutboxRow[]>();
  for (const row of data.orders.outbox) {
    const id = str(row.subject === 'order.payment_rejected' ? row.payload.orderId : row.payload.id);
    byOrder.set(id, [...(byOrder.get(id) ?? []), row]);
  }
  for (const o of data.orders.orders) {
    const rows = byOrder.get(o.id) ?? [];
    const created = rows.filter((r) => r.subject === 'order.created').length;
    const terminal = rows.filter((r) => r.subject === 'order.cancelled' || r.subject === 'order.completed');
    const ended = o.status === 'cancelled' || o.status === 'complete';
    if (created !== 1) f.add('order.created not published exactly once', `${o.id}: ${created}`);
    if (terminal.length !== (ended ? 1 : 0)) f.add('order end not published exactly once', `${o.id} (${o.status}): ${terminal.map((t) => t.subject).join(', ') || 'none'}`);
    else if (ended && Number(terminal[0]!.payload.version) !== o.version) f.add('order end published at another version', `${o.id}: v${o.version}, event v${str(terminal[0]!.payload.version)}`);
  }

  figures.outboxEvents = Object.fromEntries(Object.entries(outboxes).map(([s, rows]) => [s, countBy(rows, (r) => r.subject)]));
  figures.streamMessages = Object.fromEntries(Object.entries(data.streams).map(([s, v]) => [s, v.messages]));
  figures.eventsConsumed = Object.fromEntries(Object.entries(inboxes).map(([s, rows]) => [s, countBy(rows, (r) => r.subject)]));
  figures.consumers = data.consumers.map((c) => `${c.name}@${c.stream}: acked up to stream seq ${c.ackFloor} of ${data.streams[c.stream].messages}`);
  const expirations = data.streams.EXPIRATION.events;
  figures.expirationEvents = { messages: expirations.length, orders: new Set(expirations.map((e) => str((e.payload as { orderId?: string }).orderId))).size };
}

/** Invariant 1: at most one active order per ticket, and the listing's state is what orders says. */
function ticketsAudit(data: AuditData, f: Findings, figures: Record<string, unknown>): void {
  const activeByTicket = new Map<string, string[]>();
  for (const o of data.orders.orders) if (ACTIVE.has(o.status)) activeByTicket.set(o.ticketId, [...(activeByTicket.get(o.ticketId) ?? []), o.id]);
  const orders = new Map(data.orders.orders.map((o) => [o.id, o]));
  for (const [ticketId, ids] of activeByTicket) if (ids.length > 1) f.add('ticket with two active or complete orders', `${ticketId}: ${ids.join(', ')}`);
  for (const t of data.tickets.tickets) {
    const active = activeByTicket.get(t.id)?.map((id) => orders.get(id)!) ?? [];
    const holder = active[0];
    const want = !holder ? { status: 'available', orderId: null } : { status: holder.status === 'complete' ? 'sold' : 'reserved', orderId: holder.id };
    if (t.status !== want.status || t.orderId !== want.orderId)
      f.add('ticket state disagrees with orders', `${t.id}: tickets ${t.status}/${t.orderId ?? '-'}, orders say ${want.status}/${want.orderId ?? '-'}`);
  }
  figures.tickets = { total: data.tickets.tickets.length, ...countBy(data.tickets.tickets, (t) => t.status) };
  figures.orders = { total: data.orders.orders.length, ...countBy(data.orders.orders, (o) => (o.cancelReason ? `cancelled:${o.cancelReason}` : o.status)) };
  const perTicket = countBy(data.orders.orders, (o) => o.ticketId);
  figures.ordersPerTicketMax = Math.max(0, ...Object.values(perTicket));
}

/** Invariant 6: every charge is a stored payment of the order's price; it completed the order or was refunded. */
function paymentsAudit(data: AuditData, f: Findings, figures: Record<string, unknown>): void {
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
    if (pay.amountCents !== order.priceCents) f.add('payment amount is not the order price', `${pay.id}: ${pay.amountCents}c, order ${order.priceCents}c`);
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
  figures.payments = {
    charges: countBy(p.charges, (c) => c.status),
    attempts: countBy(p.attempts, (a) => a.status),
    payments: countBy(p.payments, (x) => x.status),
    refunds: p.gatewayRefunds.length,
    paymentRejectedEvents: data.orders.outbox.filter((r) => r.subject === 'order.payment_rejected').length,
  };
}

/** Invariant 2's outer bound: no hold outlived its expiry by more than 60 s (and none ended early). */
function holdsAudit(data: AuditData, f: Findings, figures: Record<string, unknown>, now: Date): void {
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
  // The listing's side: when tickets published the ticket free of an expired hold.
  const expiredOrders = new Map(data.orders.orders.filter((o) => o.cancelReason === 'expired').map((o) => [o.id, o]));
  const releaseLate: number[] = [];
  const updates = data.tickets.outbox.filter((r) => r.subject === 'ticket.updated');
  const heldBy = new Map<string, { orderId: string; version: number }>();
  for (const row of updates) {
    const ticketId = str(row.payload.id);
    const previous = heldBy.get(ticketId);
    if (previous && row.payload.orderId !== previous.orderId && Number(row.payload.version) > previous.version) {
      const order = expiredOrders.get(previous.orderId);
      if (order) {
        const late = row.occurredAt.getTime() - order.expiresAt.getTime();
        releaseLate.push(late);
        if (late > HOLD_GRACE_MS) f.add('ticket released more than 60 s after its hold expired', `${ticketId} held by ${order.id}: ${late} ms`);
      }
    }
    if (row.payload.status === 'reserved') heldBy.set(ticketId, { orderId: str(row.payload.orderId), version: Number(row.payload.version) });
    else heldBy.delete(ticketId);
  }
  figures.expiredHolds = { cancelledAfterExpiry: lateness(cancelLate), ticketReleasedAfterExpiry: lateness(releaseLate) };
}
