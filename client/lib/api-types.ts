/** Shapes from the public HTTP contract (docs/api.md). */
export interface User {
  id: string;
  email: string;
  /** `[]` or `["admin"]`. */
  roles: string[];
}

export type TicketStatus = 'available' | 'reserved' | 'sold';

export interface Ticket {
  id: string;
  title: string;
  price: number;
  userId: string;
  status: TicketStatus;
  orderId: string | null;
  version: number;
  createdAt: string;
}

export interface TicketPage {
  tickets: Ticket[];
  nextCursor: string | null;
}

export type OrderStatus = 'created' | 'cancelled' | 'awaiting:payment' | 'complete';

export interface Order {
  id: string;
  status: OrderStatus;
  userId: string;
  expiresAt: string;
  ticket: { id: string; title: string; price: number };
  createdAt: string;
}

export interface Payment {
  id: string;
  orderId: string;
  amount: number;
  status: 'succeeded';
}

export interface ApiErrorItem {
  message: string;
  field?: string;
}

/** A failed call: `status` 0 means the service could not be reached at all. */
export interface ApiFailure {
  ok: false;
  status: number;
  errors: ApiErrorItem[];
}

export type ApiResult<T> = { ok: true; status: number; data: T } | ApiFailure;

export type EventCategory = 'concert' | 'sports' | 'theatre' | 'comedy' | 'festival' | 'other';

export type EventStatus = 'scheduled' | 'cancelled';

/** An event of the catalogue; `startsAt` is UTC, shown in the venue's `timeZone`. */
export interface CatalogEvent {
  id: string;
  name: string;
  category: EventCategory;
  venue: { name: string; city: string; country: string };
  timeZone: string;
  startsAt: string;
  status: EventStatus;
  version: number;
  /** The uploaded image in the sizes pages use (same-origin URLs that change with the image), or null. */
  artwork?: { card: string; hero: string } | null;
  /** Listings on sale for it (all zero, minPrice null, until listings belong to events). */
  summary: { listings: number; ticketsAvailable: number; minPrice: number | null };
}

export interface EventPage {
  events: CatalogEvent[];
  nextCursor: string | null;
}

/** What POST /api/events takes (PUT: any of it, plus the version the admin edited). */
export interface EventInput {
  name: string;
  category: string;
  venue: { name: string; city: string; country: string };
  timeZone: string;
  startsAt: string;
}
