import { centsToPrice } from '@ticketing/common';
import type { TicketRow } from '../domain/tickets.domain';

/** The public shape of a ticket (docs/api.md "tickets"): decimal price, ISO time, no internals. */
export interface TicketResponse {
  id: string;
  title: string;
  price: number;
  userId: string;
  status: TicketRow['status'];
  orderId: string | null;
  version: number;
  createdAt: string;
}

export function toTicketResponse(t: TicketRow): TicketResponse {
  return {
    id: t.id,
    title: t.title,
    price: centsToPrice(t.priceCents),
    userId: t.userId,
    status: t.status,
    orderId: t.orderId,
    version: t.version,
    createdAt: t.createdAt.toISOString(),
  };
}
