import { streamOf, type StreamKey } from '@ticketing/common';
import { DURABLES, type AuditData, type DatabaseService, type OutboxRow } from './audit-data';
import { deliveryAudit, payoutsAudit } from './audit-delivery';
import { inventoryAudit } from './audit-inventory';
import { holdsAudit, paymentsAudit } from './audit-payments';
import { countBy, Findings, groupBy, str, type Violation } from './findings';

// The audit: docs/design.md invariants 1–6 checked on what every database and stream holds once the platform is quiet.
// Each broken rule is a violation with a few examples; the figures say what was checked. Events and replicas here;
// tickets, holds and order money in audit-inventory.ts; payments and hold timing in audit-payments.ts; delivery, barcodes
// and payouts in audit-delivery.ts.

export type { Violation };

export interface AuditReport {
  violations: Violation[];
  figures: Record<string, unknown>;
}

/** The service whose outbox feeds each stream; expiration publishes straight from its timers (no database). */
const PUBLISHER: Partial<Record<StreamKey, DatabaseService>> = { LISTINGS: 'tickets', DELIVERIES: 'tickets', ORDERS: 'orders', PAYMENTS: 'payments', EVENTS: 'catalog' };
const WITHOUT_OUTBOX = new Set<StreamKey>(['EXPIRATION']);
const KNOWN_STATE: Record<string, string> = { created: 'created', 'awaiting:payment': 'created', cancelled: 'cancelled', complete: 'completed' };
const DATABASE_SERVICES: DatabaseService[] = ['tickets', 'orders', 'payments', 'catalog'];

export function audit(data: AuditData, now = new Date()): AuditReport {
  const f = new Findings();
  const figures: Record<string, unknown> = {};
  eventsAudit(data, f, figures);
  replicasAudit(data, f);
  inventoryAudit(data, f, figures);
  paymentsAudit(data, f, figures);
  holdsAudit(data, f, figures, now);
  deliveryAudit(data, f, figures, now);
  payoutsAudit(data, f, figures);
  return { violations: f.list(), figures };
}

/** Invariant 5: every outbox row published, in the stream, consumed exactly once in effect by whoever consumes it. */
function eventsAudit(data: AuditData, f: Findings, figures: Record<string, unknown>): void {
  const outboxes = Object.fromEntries(DATABASE_SERVICES.map((s) => [s, data[s].outbox])) as Record<DatabaseService, OutboxRow[]>;
  const inboxes = Object.fromEntries(DATABASE_SERVICES.map((s) => [s, data[s].inbox])) as Record<DatabaseService, AuditData['tickets']['inbox']>;
  for (const [service, outbox] of Object.entries(outboxes)) {
    for (const row of outbox) if (!row.sentAt) f.add('outbox row never published', `${service}: ${row.subject} ${row.eventId}`);
  }
  for (const [stream, { events }] of Object.entries(data.streams)) {
    const ids = new Set(events.map((e) => e.eventId));
    const publisher = PUBLISHER[stream as StreamKey];
    if (WITHOUT_OUTBOX.has(stream as StreamKey)) continue;
    if (!publisher) {
      if (events.length) f.add('messages in a stream no service publishes to', `${stream}: ${events.length}`);
      continue;
    }
    if (events.length !== ids.size) f.add('event stored twice in its stream', `${stream}: ${events.length} messages, ${ids.size} ids`);
    // A service may publish to several streams (tickets: LISTINGS and DELIVERIES): its rows for this one.
    const rows = outboxes[publisher].filter((r) => streamOf(r.subject) === stream);
    const outboxIds = new Set(rows.map((r) => r.eventId));
    for (const row of rows) if (!ids.has(row.eventId)) f.add('outbox event missing from its stream', `${stream}: ${row.subject} ${row.eventId}`);
    for (const e of events) if (!outboxIds.has(e.eventId)) f.add('stream event without an outbox row', `${stream}: ${e.subject} ${e.eventId}`);
  }

  // Every event a durable consumer of a service with a database should handle is in that service's inbox (the inbox's
  // primary key makes "at most once" structural). The consumers are the ones JetStream holds, with their filters.
  for (const need of DURABLES) {
    if (!data.consumers.some((c) => c.stream === need.stream && c.name === need.name)) f.add('durable consumer missing', `${need.name} on ${need.stream}`);
  }
  const inboxIds = Object.fromEntries(Object.entries(inboxes).map(([s, rows]) => [s, new Set(rows.map((r) => r.eventId))]));
  const expected: Record<string, Set<string>> = Object.fromEntries(DATABASE_SERVICES.map((s) => [s, new Set<string>()]));
  for (const c of data.consumers) {
    if (!(c.name in inboxIds)) continue; // expiration keeps no inbox (its timers are idempotent by order id)
    for (const e of data.streams[c.stream].events.filter((e) => c.subjects.includes(e.subject))) {
      expected[c.name]!.add(e.eventId);
      if (!inboxIds[c.name]!.has(e.eventId)) f.add('event never consumed', `${c.name} lacks ${e.subject} ${e.eventId} (${JSON.stringify(e.payload).slice(0, 120)})`);
    }
  }
  for (const [service, rows] of Object.entries(inboxes)) {
    for (const r of rows) if (!expected[service]!.has(r.eventId)) f.add('inbox holds an event no stream carries', `${service}: ${r.subject} ${r.eventId}`);
  }
  for (const c of data.consumers) {
    if (c.numPending || c.numAckPending) f.add('consumer not caught up', `${c.name} on ${c.stream}: ${c.numPending} pending, ${c.numAckPending} unacked`);
  }
  if (data.pendingTimers) f.add('expiration timers still pending', `${data.pendingTimers} jobs`);

  // Each order published its life exactly once: one order.created, one terminal event iff it ended, at its version; an
  // order cancelled because its seller never delivered completed first (order.completed, then order.cancelled).
  const byOrder = groupBy(data.orders.outbox, (row) => str(row.subject === 'order.payment_rejected' ? row.payload.orderId : row.payload.id));
  for (const o of data.orders.orders) {
    const rows = byOrder.get(o.id) ?? [];
    const created = rows.filter((r) => r.subject === 'order.created').length;
    const notDelivered = o.cancelReason === 'not_delivered';
    const completions = rows.filter((r) => r.subject === 'order.completed').length;
    const terminal = rows.filter((r) => r.subject === 'order.cancelled' || (r.subject === 'order.completed' && !notDelivered));
    const ended = o.status === 'cancelled' || o.status === 'complete';
    if (created !== 1) f.add('order.created not published exactly once', `${o.id}: ${created}`);
    if (notDelivered && completions !== 1) f.add('order cancelled as not delivered without completing once', `${o.id}: ${completions} order.completed`);
    if (terminal.length !== (ended ? 1 : 0)) f.add('order end not published exactly once', `${o.id} (${o.status}): ${terminal.map((t) => t.subject).join(', ') || 'none'}`);
    else if (ended && Number(terminal[0]!.payload.version) !== o.version) f.add('order end published at another version', `${o.id}: v${o.version}, event v${str(terminal[0]!.payload.version)}`);
  }
  // Each change to a listing bumped its version once and wrote one snapshot: distinct versions, the last one current.
  const snapshots = groupBy(
    data.tickets.outbox.filter((r) => r.subject === 'listing.changed'),
    (r) => str(r.payload.id),
  );
  for (const listing of data.tickets.listings) {
    const versions = (snapshots.get(listing.id) ?? []).map((r) => Number(r.payload.version));
    if (new Set(versions).size !== versions.length) f.add('listing version published twice', `${listing.id}: ${versions.join(', ')}`);
    if (Math.max(-1, ...versions) !== listing.version) f.add('listing change not published', `${listing.id}: v${listing.version}, last snapshot v${Math.max(-1, ...versions)}`);
  }

  figures.outboxEvents = Object.fromEntries(Object.entries(outboxes).map(([s, rows]) => [s, countBy(rows, (r) => r.subject)]));
  figures.streamMessages = Object.fromEntries(Object.entries(data.streams).map(([s, v]) => [s, v.messages]));
  figures.eventsConsumed = Object.fromEntries(Object.entries(inboxes).map(([s, rows]) => [s, countBy(rows, (r) => r.subject)]));
  figures.consumers = data.consumers.map((c) => `${c.name}@${c.stream}: acked up to stream seq ${c.ackFloor} of ${data.streams[c.stream].messages}`);
  const expirations = data.streams.EXPIRATION.events;
  figures.expirationEvents = { messages: expirations.length, orders: new Set(expirations.map((e) => str((e.payload as { orderId?: string }).orderId))).size };
}

/** Invariant 5, observed after the fact: every replica holds its source's latest version. */
function replicasAudit(data: AuditData, f: Findings): void {
  const ordersListings = new Map(data.orders.listings.map((l) => [l.id, l]));
  for (const l of data.tickets.listings) {
    const r = ordersListings.get(l.id);
    if (!r) f.add('replica diverged: orders lacks a listing', l.id);
    else if (r.version !== l.version || r.priceCents !== l.priceCents || r.status !== l.status || r.split !== l.split || r.eventId !== l.eventId || r.delivery !== l.delivery)
      f.add('replica diverged: orders has another listing version', `${l.id}: tickets v${l.version} ${l.status} ${l.priceCents}c, orders v${r.version} ${r.status} ${r.priceCents}c`);
  }
  const replicaTickets = new Map(data.orders.listingTickets.map((t) => [t.id, t]));
  for (const t of data.tickets.tickets) {
    if (replicaTickets.get(t.id)?.listingId !== t.listingId) f.add('replica diverged: orders lacks a ticket of a listing', `${t.id} of ${t.listingId}`);
  }
  const catalog = new Map(data.catalog.events.map((e) => [e.id, e.version]));
  for (const [service, rows] of [
    ['tickets', data.tickets.catalogEvents],
    ['orders', data.orders.catalogEvents],
  ] as const) {
    const replica = new Map(rows.map((e) => [e.id, e.version]));
    for (const [id, version] of catalog) if (replica.get(id) !== version) f.add(`replica diverged: ${service} has another catalogue event version`, `${id}: catalog v${version}, ${service} v${replica.get(id) ?? '-'}`);
  }

  const paymentsReplica = new Map(data.payments.orders.map((o) => [o.id, o]));
  const known = new Map(data.tickets.knownOrders.map((k) => [k.orderId, k]));
  const ticketIdsOf = groupBy(data.orders.orderTickets, (r) => r.orderId);
  for (const o of data.orders.orders) {
    const r = paymentsReplica.get(o.id);
    if (!r) f.add('replica diverged: payments lacks an order', o.id);
    else if (r.version !== o.version || r.status !== o.status || r.totalCents !== o.totalCents || r.quantity !== o.quantity)
      f.add('replica diverged: payments has another order version', `${o.id}: orders v${o.version} ${o.status} ${o.totalCents}c, payments v${r.version} ${r.status} ${r.totalCents}c`);
    const k = known.get(o.id);
    if (!k) {
      f.add('replica diverged: tickets never heard of an order', o.id);
      continue;
    }
    if (k.state !== KNOWN_STATE[o.status]) f.add('replica diverged: tickets has another order state', `${o.id}: orders ${o.status}, tickets ${k.state}`);
    const ids = (ticketIdsOf.get(o.id) ?? []).map((t) => t.ticketId).sort();
    if (k.listingId !== o.listingId || JSON.stringify([...k.ticketIds].sort()) !== JSON.stringify(ids))
      f.add('replica diverged: tickets knows an order with other tickets', `${o.id}: orders ${ids.length}, tickets ${k.ticketIds.length}`);
  }
}
