import { buyableQuantities, centsToPrice, type ListingStatus, type TicketStatus } from '@ticketing/common';
import type { ListingView } from '../domain/listings.domain';

/**
 * A ticket as its seller sees it: whether its item is attached, whether its buyer has it, and (sold, delivery
 * pending) by when the item is due.
 */
interface SellerTicket {
  id: string;
  seat: string | null;
  status: TicketStatus;
  delivered: boolean;
  hasItem: boolean;
  deliveryDeadline: string | null;
}

/** The public shape of a listing (docs/api.md "tickets"): decimal prices, ISO times, what a buyer can order now. */
export interface ListingResponse {
  id: string;
  eventId: string;
  sellerId: string;
  event: { id: string; name: string; startsAt: string; timeZone: string; venue: { name: string; city: string; country: string } } | null;
  section: string;
  row: string | null;
  price: number;
  faceValue: number;
  split: string;
  delivery: string;
  quantity: number;
  available: number;
  buyableQuantities: number[];
  status: ListingStatus;
  version: number;
  createdAt: string;
  tickets: SellerTicket[] | Array<{ id: string; seat: string | null }>;
}

/**
 * The seller sees every ticket with its status; anyone else only the seats still available (which seats are held or
 * sold, and by whom, is not theirs to know).
 */
export function toListingResponse(view: ListingView, viewerId: string | undefined): ListingResponse {
  const { listing: l, tickets, event } = view;
  const isSeller = viewerId === l.sellerId;
  return {
    id: l.id,
    eventId: l.eventId,
    sellerId: l.sellerId,
    event: event && { id: event.id, name: event.name, startsAt: event.startsAt.toISOString(), timeZone: event.timeZone, venue: event.venue },
    section: l.section,
    row: l.row,
    price: centsToPrice(l.priceCents),
    faceValue: centsToPrice(l.faceValueCents),
    split: l.split,
    delivery: l.delivery,
    quantity: tickets.length,
    available: l.available,
    buyableQuantities: l.status === 'active' ? buyableQuantities(l.split, l.available) : [],
    status: l.status,
    version: l.version,
    createdAt: l.createdAt.toISOString(),
    tickets: isSeller
      ? tickets.map((t) => ({
          id: t.id,
          seat: t.seat,
          status: t.status,
          delivered: t.deliveredAt !== null,
          hasItem: t.hasItem,
          deliveryDeadline: t.status === 'sold' && t.deliveryDeadline ? t.deliveryDeadline.toISOString() : null,
        }))
      : tickets.filter((t) => t.status === 'available').map((t) => ({ id: t.id, seat: t.seat })),
  };
}
