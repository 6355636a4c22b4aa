import { randomUUID } from 'node:crypto';
import type { OrderCancelledEvent, OrderCompletedEvent, OrderCreatedEvent } from '../events/contracts';
import { priceOrder, type FeeRates } from '../market/fees';

/** The platform's default fees (orders' BUYER_FEE_PERCENT / SELLER_FEE_PERCENT). */
export const DEFAULT_FEE_RATES: FeeRates = { buyerFeePercent: 10, sellerFeePercent: 5 };

export interface OrderCreatedFixture extends Partial<Omit<OrderCreatedEvent, 'tickets' | 'quantity'>> {
  /** The held tickets in seat order; default `quantity` new tickets at seats 11, 12, … */
  tickets?: OrderCreatedEvent['tickets'];
  /** Used when `tickets` is not given (default 2). */
  quantity?: number;
  /** Fees the order is priced with (default DEFAULT_FEE_RATES); ignored for fields given explicitly. */
  rates?: FeeRates;
}

/**
 * An order.created (v2) as orders publishes it: k tickets of one listing at unitPriceCents (default 12.75), priced
 * with common's priceOrder so the contract's total refinement holds; every field can be overridden.
 */
export function orderCreatedPayload(over: OrderCreatedFixture = {}): OrderCreatedEvent {
  const { tickets: given, quantity, rates = DEFAULT_FEE_RATES, ...fields } = over;
  const tickets = given ?? Array.from({ length: quantity ?? 2 }, (_, i) => ({ id: randomUUID(), seat: String(11 + i) }));
  const price = priceOrder(fields.unitPriceCents ?? 1275, tickets.length, rates);
  return {
    id: randomUUID(),
    version: 0,
    status: 'created',
    userId: randomUUID(),
    listingId: randomUUID(),
    eventId: randomUUID(),
    sellerId: randomUUID(),
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    tickets,
    quantity: tickets.length,
    unitPriceCents: price.unitPriceCents,
    buyerFeeCents: price.buyerFeeCents,
    sellerFeeCents: price.sellerFeeCents,
    totalCents: price.totalCents,
    ...fields,
  };
}

/** The order's cancellation (version 1 by default), naming the same listing and tickets. */
export function orderCancelledPayload(order: OrderCreatedEvent, reason: OrderCancelledEvent['reason'] = 'cancelled', version = order.version + 1): OrderCancelledEvent {
  return { id: order.id, version, listingId: order.listingId, ticketIds: order.tickets.map((t) => t.id), reason };
}

/** The order's completion by a payment (version 1 by default). */
export function orderCompletedPayload(order: OrderCreatedEvent, paymentId: string = randomUUID(), version = order.version + 1): OrderCompletedEvent {
  return { id: order.id, version, listingId: order.listingId, ticketIds: order.tickets.map((t) => t.id), paymentId };
}
