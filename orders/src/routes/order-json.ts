import { centsToPrice } from '@ticketing/common';
import type { OrderRow } from '../domain/orders';

/** docs/api.md "orders": the public shape of an order. Prices and fees are the order's own, fixed when it was created. */
export function orderJson(o: OrderRow) {
  return {
    id: o.id,
    status: o.status,
    reason: o.cancelReason,
    userId: o.userId,
    listingId: o.listingId,
    sellerId: o.sellerId,
    event: o.event && {
      id: o.event.id,
      name: o.event.name,
      startsAt: o.event.startsAt.toISOString(),
      timeZone: o.event.timeZone,
      venue: o.event.venue,
    },
    section: o.section,
    row: o.row,
    tickets: o.tickets,
    quantity: o.quantity,
    unitPrice: centsToPrice(o.unitPriceCents),
    buyerFee: centsToPrice(o.buyerFeeCents),
    total: centsToPrice(o.totalCents),
    expiresAt: o.expiresAt.toISOString(),
    // The deadline is known once tickets scheduled the delivery (a `later` listing's paid order); null until then,
    // and for instant deliveries. A cancelled not_delivered order keeps `pending` with the deadline it missed.
    delivery: {
      status: o.deliveryStatus,
      deadline: o.deliveryDeadline?.toISOString() ?? null,
      deliveredAt: o.deliveredAt?.toISOString() ?? null,
    },
    createdAt: o.createdAt.toISOString(),
  };
}
