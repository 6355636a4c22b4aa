import type { AuditData, OutboxRow } from './audit-data';
import { countBy, groupBy, str, type Findings } from './findings';

// docs/design.md invariants 6 (charged means delivered or refunded) and 9 (one barcode, one sale), and the payout rule
// of 7 (never for a refunded order), on what tickets, orders and payments stored once quiet: every complete order is
// delivered (both sides agree) or still inside its deadline; every order whose delivery was missed is cancelled
// not_delivered, its tickets withdrawn, its payment refunded in full and its payout cancelled; every delivery has
// exactly one outcome event; no barcode is on two tickets on sale or sold.

/** The upload that completes a delivery and the sweeper's clock are different clocks (the test's and PostgreSQL's). */
const CLOCK_SLACK_MS = 1000;

type Order = AuditData['orders']['orders'][number];

const sortedIds = (ids: string[]) => JSON.stringify([...ids].sort());

export function deliveryAudit(data: AuditData, f: Findings, figures: Record<string, unknown>, now: Date): void {
  const events = groupBy(
    data.tickets.outbox.filter((r) => r.subject.startsWith('delivery.')),
    (r) => str(r.payload.orderId),
  );
  const completedOrders = new Set(data.orders.outbox.filter((r) => r.subject === 'order.completed').map((r) => str(r.payload.id)));
  const rows = new Map(data.tickets.deliveries.map((d) => [d.orderId, d]));
  const listings = new Map(data.orders.listings.map((l) => [l.id, l]));
  const ticketIdsOf = groupBy(data.orders.orderTickets, (r) => r.orderId);
  const tickets = new Map(data.tickets.tickets.map((t) => [t.id, t]));
  const retired = new Set(data.orders.listingTickets.filter((t) => t.retired).map((t) => t.id));
  const paymentsById = new Map(data.payments.payments.map((p) => [p.id, p]));
  const gatewayRefunds = new Map(data.payments.gatewayRefunds.map((r) => [r.paymentIntentId, r.amountCents]));
  const outcomes: Record<string, number> = {};
  const tally = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);

  for (const o of data.orders.orders) {
    const ev = events.get(o.id) ?? [];
    const of = (subject: string) => ev.filter((r) => r.subject === subject);
    const [scheduled, completed, missed] = [of('delivery.scheduled'), of('delivery.completed'), of('delivery.missed')];
    const row = rows.get(o.id);
    if (!completedOrders.has(o.id)) {
      if (ev.length || row) f.add('delivery of an order that never completed', `${o.id} (${o.status}): ${ev.map((e) => e.subject).join(', ') || 'a deliveries row'}`);
      continue;
    }
    const method = listings.get(o.listingId)?.delivery;
    const ids = (ticketIdsOf.get(o.id) ?? []).map((r) => r.ticketId);
    const ahead = row?.status === 'pending' && row.deadline.getTime() > now.getTime();

    // Tickets' side: one outcome, told once, for the order's own tickets, on the right side of the deadline.
    if (scheduled.length > 1) f.add('delivery scheduled more than once', `${o.id}: ${scheduled.length}`);
    if (completed.length + missed.length > 1) f.add('delivery with more than one outcome event', `${o.id}: ${ev.map((e) => e.subject).join(', ')}`);
    if (completed.length + missed.length === 0 && !ahead) f.add('delivery without an outcome event', `${o.id} (${method}): ${row ? `row ${row.status}, deadline ${row.deadline.toISOString()}` : 'no deliveries row'}`);
    if (scheduled.length && !row) f.add('delivery scheduled without a deliveries row', o.id);
    if (row) {
      const want = completed.length ? 'delivered' : missed.length ? 'missed' : 'pending';
      if (row.status !== want) f.add('deliveries row disagrees with its events', `${o.id}: row ${row.status}, events say ${want}`);
      if (sortedIds(row.ticketIds) !== sortedIds(ids)) f.add('deliveries row names other tickets than the order', o.id);
    }
    if (method === 'instant' && (scheduled.length || missed.length)) f.add('instant delivery scheduled or missed', `${o.id}: ${ev.map((e) => e.subject).join(', ')}`);
    for (const e of ev) if (sortedIds((e.payload.ticketIds as string[]) ?? []) !== sortedIds(ids)) f.add('delivery event names other tickets than the order', `${o.id}: ${e.subject}`);
    const deadline = scheduled[0] ? Date.parse(str(scheduled[0].payload.deadline)) : undefined;
    if (completed[0] && deadline !== undefined && Date.parse(str(completed[0].payload.deliveredAt)) > deadline + CLOCK_SLACK_MS)
      f.add('delivered after its deadline', `${o.id}: delivered ${str(completed[0].payload.deliveredAt)}, deadline ${new Date(deadline).toISOString()}`);
    if (missed[0] && missed[0].occurredAt.getTime() < Date.parse(str(missed[0].payload.deadline)) - CLOCK_SLACK_MS)
      f.add('delivery missed before its deadline', `${o.id}: missed ${missed[0].occurredAt.toISOString()}, deadline ${str(missed[0].payload.deadline)}`);

    // The tickets themselves: a delivered order's tickets carry their items and say delivered; a missed one's are
    // withdrawn for good, never delivered.
    for (const id of ids) {
      const t = tickets.get(id);
      if (!t) continue; // reported by the replica checks
      if (completed.length && !(t.hasItem && t.deliveredAt && t.status === 'sold')) f.add('ticket of a delivered order not delivered (tickets db)', `${o.id}: ${id} ${t.status}, item ${t.hasItem}, delivered ${t.deliveredAt ? 'yes' : 'no'}`);
      if (missed.length && (t.status !== 'withdrawn' || t.deliveredAt)) f.add('ticket of an undelivered order not withdrawn (tickets db)', `${o.id}: ${id} ${t.status}`);
    }
    if (missed.length && ids.some((id) => !retired.has(id)))
      f.add('ticket of an undelivered order still orderable (orders replica)', `${o.id}: listing_tickets.retired is false`);

    // Orders' side agrees, and money follows.
    tally(ordersOutcome(o, completed, missed, ahead, f));
    if (o.deliveryStatus === 'delivered' && !completed.length) f.add('replica diverged: orders says delivered, tickets never delivered', o.id);
    if (completed.length && o.deliveryStatus !== 'delivered') f.add('replica diverged: orders missed a delivery', `${o.id} (${o.status}): delivery ${o.deliveryStatus}`);
    if (deadline !== undefined && o.deliveryDeadline?.getTime() !== deadline)
      f.add('replica diverged: orders has another delivery deadline', `${o.id}: tickets ${new Date(deadline).toISOString()}, orders ${o.deliveryDeadline?.toISOString() ?? '-'}`);
    if (missed.length && o.cancelReason !== 'not_delivered') f.add('delivery missed, order not cancelled as not delivered', `${o.id}: ${o.status}${o.cancelReason ? `:${o.cancelReason}` : ''}`);
    if (o.cancelReason === 'not_delivered') {
      if (!missed.length) f.add('cancelled as not delivered, but tickets never missed its delivery', o.id);
      const pay = o.paymentId ? paymentsById.get(o.paymentId) : undefined;
      if (pay?.status !== 'refunded') f.add('not delivered and not refunded', `${o.id}: payment ${o.paymentId ?? '-'} ${pay?.status ?? 'missing'}`);
      else if (gatewayRefunds.get(pay.providerId) !== o.totalCents) f.add('not-delivered refund is not the full total', `${o.id}: refunded ${gatewayRefunds.get(pay.providerId) ?? 0}c of ${o.totalCents}c`);
    }
  }
  barcodeAudit(data, f);

  figures.deliveries = {
    outcomes,
    byMethod: countBy(
      data.orders.orders.filter((o) => completedOrders.has(o.id)),
      (o) => listings.get(o.listingId)?.delivery ?? '?',
    ),
    rows: countBy(data.tickets.deliveries, (d) => d.status),
    events: countBy(
      data.tickets.outbox.filter((r) => r.subject.startsWith('delivery.')),
      (r) => r.subject,
    ),
  };
  figures.items = {
    sealed: data.tickets.items.length,
    withPdf: data.tickets.items.filter((i) => i.hasPdf).length,
    byKey: countBy(data.tickets.items, (i) => i.keyId),
    fraudSignals: countBy(data.tickets.fraudSignals, (s) => s.kind),
  };
}

/** What orders shows for a completed order, checked against tickets' outcome; returns the figure's key. */
function ordersOutcome(o: Order, completed: OutboxRow[], missed: OutboxRow[], ahead: boolean, f: Findings): string {
  if (o.status === 'complete') {
    if (o.deliveryStatus === 'delivered') return 'complete, delivered';
    if (missed.length) f.add('complete order whose delivery was missed (neither delivered nor refunded)', o.id);
    else if (!ahead && !completed.length) f.add('complete order neither delivered nor refunded', `${o.id}: deadline ${o.deliveryDeadline?.toISOString() ?? '-'}`);
    return ahead ? 'complete, pending, deadline ahead' : 'complete, not delivered';
  }
  if (o.deliveryStatus === 'delivered') f.add('delivered order is not complete', `${o.id}: ${o.status}${o.cancelReason ? `:${o.cancelReason}` : ''}`);
  return o.cancelReason === 'not_delivered' ? 'cancelled not_delivered' : `${o.status}${o.cancelReason ? `:${o.cancelReason}` : ''}`;
}

/** One barcode, one sale: a fingerprint on at most one ticket on sale, held or sold; items and flags agree. */
function barcodeAudit(data: AuditData, f: Findings): void {
  const stored = new Set(data.tickets.items.map((i) => i.ticketId));
  for (const t of data.tickets.tickets) {
    if (t.hasItem !== stored.has(t.id)) f.add('ticket item flag disagrees with the stored items', `${t.id}: has_item ${t.hasItem}, sealed item ${stored.has(t.id)}`);
    if (t.hasItem !== (t.fingerprint !== null)) f.add('ticket item without a barcode fingerprint (or the reverse)', t.id);
    if (t.deliveredAt && !t.hasItem) f.add('ticket delivered without an item', t.id);
  }
  const live = data.tickets.tickets.filter((t) => t.fingerprint && ['available', 'held', 'sold'].includes(t.status));
  for (const [fingerprint, same] of groupBy(live, (t) => t.fingerprint!)) {
    if (same.length > 1) f.add('one barcode on two tickets on sale or sold', `${fingerprint.slice(0, 12)}…: ${same.map((t) => `${t.id} ${t.status}`).join(', ')}`);
  }
}

/** Invariant 7's payout rule: one payout per completed order, the seller's share, cancelled iff the order was refunded. */
export function payoutsAudit(data: AuditData, f: Findings, figures: Record<string, unknown>): void {
  const orders = new Map(data.orders.orders.map((o) => [o.id, o]));
  const listings = new Map(data.orders.listings.map((l) => [l.id, l]));
  const completed = new Set(data.orders.outbox.filter((r) => r.subject === 'order.completed').map((r) => str(r.payload.id)));
  const refundedOrders = new Set(data.payments.payments.filter((p) => p.status === 'refunded').map((p) => p.orderId));
  const payouts = new Map(data.payments.payouts.map((p) => [p.orderId, p]));
  for (const id of completed) if (!payouts.has(id)) f.add('completed order without a payout row', id);
  for (const p of data.payments.payouts) {
    const o = orders.get(p.orderId);
    if (!o || !completed.has(p.orderId)) {
      f.add('payout for an order that never completed', `${p.orderId} (${o?.status ?? 'unknown'})`);
      continue;
    }
    const share = o.quantity * o.unitPriceCents - o.sellerFeeCents;
    if (p.amountCents !== share || p.feeCents !== o.sellerFeeCents) f.add("payout is not the seller's share", `${o.id}: ${p.amountCents}c + fee ${p.feeCents}c, want ${share}c + ${o.sellerFeeCents}c`);
    if (p.sellerId !== listings.get(o.listingId)?.sellerId) f.add('payout to someone other than the seller', `${o.id}: ${p.sellerId}`);
    if (refundedOrders.has(o.id) && p.status !== 'cancelled') f.add('refunded order has a payout due', `${o.id}: payout ${p.status}`);
    if (!refundedOrders.has(o.id) && p.status !== 'pending') f.add('payout cancelled for an order not refunded', `${o.id}: payout ${p.status}, order ${o.status}`);
  }
  figures.payouts = { total: data.payments.payouts.length, ...countBy(data.payments.payouts, (p) => p.status) };
}
