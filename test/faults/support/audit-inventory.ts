import { buyableQuantities, priceOrder, type FeeRates, type SplitRule } from '@ticketing/common';
import type { AuditData } from './audit-data';
import { ACTIVE, countBy, groupBy, str, type Findings } from './findings';

// docs/design.md invariants 1, 2 and 4 on listings of several tickets and orders of k: every ticket in at most one
// active order (orders' unique index) and sold to at most one (tickets), each order holding all of its k tickets or
// none on both sides, the remainder of a listing sellable under its split rule, and every order's money as fixed at
// creation: total = k × unit price + buyer fee, fees at the configured rates, a unit price the listing really had.

/** orders' defaults (BUYER_FEE_PERCENT, SELLER_FEE_PERCENT): the suite does not change them. */
export const FEE_RATES: FeeRates = { buyerFeePercent: 10, sellerFeePercent: 5 };

type Order = AuditData['orders']['orders'][number];

export function inventoryAudit(data: AuditData, f: Findings, figures: Record<string, unknown>): void {
  const orders = new Map(data.orders.orders.map((o) => [o.id, o]));
  const rowsByOrder = groupBy(data.orders.orderTickets, (r) => r.orderId);
  const activeRows = data.orders.orderTickets.filter((r) => r.active);
  const activeOrderOf = new Map<string, string>();

  // Orders' side: the unique index's rule, and each order's rows as its status says.
  for (const [ticketId, rows] of groupBy(activeRows, (r) => r.ticketId)) {
    if (rows.length > 1) f.add('ticket in two active orders (orders db)', `${ticketId}: ${rows.map((r) => r.orderId).join(', ')}`);
    activeOrderOf.set(ticketId, rows[0]!.orderId);
  }
  const listingOfTicket = new Map(data.orders.listingTickets.map((t) => [t.id, t.listingId]));
  for (const o of data.orders.orders) {
    const rows = rowsByOrder.get(o.id) ?? [];
    const active = rows.filter((r) => r.active).length;
    if (rows.length !== o.quantity) f.add('order does not name exactly quantity tickets', `${o.id}: quantity ${o.quantity}, ${rows.length} order_tickets rows`);
    if (ACTIVE.has(o.status) && active !== o.quantity) f.add('active order does not hold all of its tickets (orders db)', `${o.id} (${o.status}): ${active} of ${o.quantity} active`);
    if (!ACTIVE.has(o.status) && active) f.add('ended order still holds tickets (orders db)', `${o.id} (${o.status}): ${active} active rows`);
    for (const r of rows) if (listingOfTicket.get(r.ticketId) !== o.listingId) f.add('order holds a ticket of another listing', `${o.id}: ${r.ticketId}`);
  }

  // Tickets' side, once converged: each order's tickets all held (or sold) by it, or none.
  const ticketsByOrder = groupBy(
    data.tickets.tickets.filter((t) => t.orderId),
    (t) => t.orderId!,
  );
  for (const o of data.orders.orders) {
    const held = ticketsByOrder.get(o.id) ?? [];
    if (held.length && held.length !== o.quantity) f.add('order partly held in tickets db (all or nothing)', `${o.id} (${o.status}): ${held.length} of ${o.quantity} tickets`);
    if (!ACTIVE.has(o.status)) {
      // A not-delivered order's tickets are withdrawn (audit-delivery.ts), whether or not they still name it.
      if (o.cancelReason === 'not_delivered' && held.every((t) => t.status === 'withdrawn')) continue;
      if (held.length) f.add('ended order still holds tickets (tickets db)', `${o.id} (${o.status}${o.cancelReason ? `:${o.cancelReason}` : ''}): ${held.map((t) => t.id).join(', ')}`);
      continue;
    }
    const want = o.status === 'complete' ? 'sold' : 'held';
    const ids = new Set((rowsByOrder.get(o.id) ?? []).filter((r) => r.active).map((r) => r.ticketId));
    const agree = held.length === ids.size && held.every((t) => ids.has(t.id) && t.status === want);
    if (!agree) f.add('ticket state disagrees with orders', `${o.id} (${o.status}): tickets db ${held.map((t) => `${t.id.slice(0, 8)}/${t.status}`).join(', ') || 'none'}, orders ${[...ids].map((id) => id.slice(0, 8)).join(', ')}`);
  }
  const ticketsListings = new Map(data.tickets.listings.map((l) => [l.id, l]));
  // Tickets of orders cancelled because their seller never delivered: withdrawn for good.
  const undelivered = new Map<string, string>();
  for (const o of data.orders.orders) if (o.cancelReason === 'not_delivered') for (const r of rowsByOrder.get(o.id) ?? []) undelivered.set(r.ticketId, o.id);
  for (const t of data.tickets.tickets) {
    if (t.orderId && !orders.has(t.orderId)) f.add('ticket held by an order orders does not have', `${t.id}: ${t.orderId}`);
    if (activeOrderOf.has(t.id)) continue;
    const withdrawn = ticketsListings.get(t.listingId)?.status === 'withdrawn';
    const retiredBy = undelivered.get(t.id);
    const want = withdrawn || retiredBy ? 'withdrawn' : 'available';
    if (t.status !== want || (t.orderId && t.orderId !== retiredBy))
      f.add('free ticket in the wrong state (tickets db)', `${t.id}: ${t.status}/${t.orderId ?? '-'}, want ${want} (listing ${withdrawn ? 'withdrawn' : 'not withdrawn'}${retiredBy ? `, not delivered in ${retiredBy}` : ''})`);
  }
  const soldBy = new Map<string, string>();
  for (const k of data.tickets.knownOrders.filter((k) => k.state === 'completed')) {
    for (const id of k.ticketIds) {
      const other = soldBy.get(id);
      if (other) f.add('ticket sold to two orders (tickets db)', `${id}: ${other}, ${k.orderId}`);
      soldBy.set(id, k.orderId);
    }
  }
  // A listing is pending while it is instant and a ticket lacks its item, then active while something is available or
  // held, then sold.
  for (const [listingId, tickets] of groupBy(data.tickets.tickets, (t) => t.listingId)) {
    const listing = ticketsListings.get(listingId);
    if (!listing || listing.status === 'withdrawn') continue;
    const waiting = listing.delivery === 'instant' && tickets.some((t) => t.status !== 'withdrawn' && !t.hasItem);
    const want = waiting ? 'pending' : tickets.some((t) => t.status === 'available' || t.status === 'held') ? 'active' : 'sold';
    if (listing.status !== want) f.add('listing status disagrees with its tickets', `${listingId}: ${listing.status}, tickets ${JSON.stringify(countBy(tickets, (t) => t.status))}`);
  }

  remainderAudit(data, activeOrderOf, f);
  moneyAudit(data, f);

  figures.listings = {
    total: data.tickets.listings.length,
    ...countBy(data.tickets.listings, (l) => l.status),
    bySplit: countBy(data.tickets.listings, (l) => l.split),
    seated: new Set(data.tickets.tickets.filter((t) => t.seat !== null).map((t) => t.listingId)).size,
  };
  figures.tickets = { total: data.tickets.tickets.length, ...countBy(data.tickets.tickets, (t) => t.status) };
  figures.orders = { total: data.orders.orders.length, ...countBy(data.orders.orders, (o) => (o.cancelReason ? `cancelled:${o.cancelReason}` : o.status)) };
  figures.ordersByQuantity = countBy(data.orders.orders, (o) => String(o.quantity));
  figures.seats = seatFigures(data, rowsByOrder);
}

/** Invariant 2's last clause, in orders' view (the one that decides): what is left of an active listing can be bought. */
function remainderAudit(data: AuditData, activeOrderOf: Map<string, string>, f: Findings): void {
  const ticketsOf = groupBy(data.orders.listingTickets, (t) => t.listingId);
  const splitOf = new Map(data.orders.listings.map((l) => [l.id, l.split]));
  for (const listing of data.orders.listings) {
    if (listing.status !== 'active') continue;
    const free = (ticketsOf.get(listing.id) ?? []).filter((t) => !activeOrderOf.has(t.id) && !t.retired).length;
    if (free > 0 && buyableQuantities(listing.split, free).length === 0) f.add('listing remainder breaks its split rule (orders)', `${listing.id} (${listing.split}): ${free} free`);
  }
  for (const o of data.orders.orders) {
    const split: SplitRule | undefined = splitOf.get(o.listingId);
    if (split === 'even' && o.quantity % 2) f.add('order quantity its split rule forbids', `${o.id}: ${o.quantity} of an even listing`);
  }
}

/** Every order's money as fixed at creation. */
function moneyAudit(data: AuditData, f: Findings): void {
  const pricesOf = new Map<string, Set<number>>();
  for (const row of data.tickets.outbox) {
    if (row.subject !== 'listing.changed') continue;
    const id = str(row.payload.id);
    const set = pricesOf.get(id) ?? new Set<number>();
    set.add(Number(row.payload.priceCents));
    pricesOf.set(id, set);
  }
  for (const o of data.orders.orders) {
    if (o.totalCents !== o.quantity * o.unitPriceCents + o.buyerFeeCents)
      f.add('order total is not quantity × unit price + buyer fee', `${o.id}: ${o.quantity} × ${o.unitPriceCents} + ${o.buyerFeeCents} ≠ ${o.totalCents}`);
    const priced = priceOrder(o.unitPriceCents, o.quantity, FEE_RATES);
    if (priced.buyerFeeCents !== o.buyerFeeCents || priced.sellerFeeCents !== o.sellerFeeCents)
      f.add('order fees are not the configured rates', `${o.id}: fees ${o.buyerFeeCents}/${o.sellerFeeCents}, want ${priced.buyerFeeCents}/${priced.sellerFeeCents}`);
    const prices = pricesOf.get(o.listingId);
    if (!prices?.has(o.unitPriceCents)) f.add('order unit price is not one its listing ever had', `${o.id}: ${o.unitPriceCents}c, listing ${o.listingId} had ${[...(prices ?? [])].join(', ')}`);
  }
}

/** How often an order of several numbered seats got them side by side (positions in a row). */
function seatFigures(data: AuditData, rowsByOrder: Map<string, AuditData['orders']['orderTickets']>): Record<string, number> {
  let seated = 0;
  let adjacent = 0;
  for (const o of data.orders.orders as Order[]) {
    const rows = rowsByOrder.get(o.id) ?? [];
    if (rows.length < 2 || rows.some((r) => r.seat === null)) continue;
    seated++;
    const positions = rows.map((r) => r.position).sort((a, b) => a - b);
    if (positions.every((p, i) => i === 0 || p === positions[i - 1]! + 1)) adjacent++;
  }
  return { ordersOfSeveralSeats: seated, adjacent };
}
