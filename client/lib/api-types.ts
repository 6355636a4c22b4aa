/** Shapes from the public HTTP contract (docs/api.md). */
export interface User {
  id: string;
  email: string;
  /** `[]` or `["admin"]`. */
  roles: string[];
}

/** One admission in a listing; to anyone but the seller only the available ones, without status. */
export type TicketStatus = 'available' | 'held' | 'sold' | 'withdrawn';

export interface ListingTicket {
  id: string;
  seat: string | null;
  status?: TicketStatus;
  delivered?: boolean;
  /** The seller's view only: whether the ticket's file or barcode is attached. */
  hasItem?: boolean;
  /** The seller's view only: by when a sold `later` ticket not yet delivered must get its item, else null. */
  deliveryDeadline?: string | null;
}

export type SplitRule = 'any' | 'even' | 'all' | 'no-single';
export type DeliveryMethod = 'instant' | 'later';
/** `pending`: an instant listing waiting for its tickets' items (not on sale until every ticket has one). */
export type ListingStatus = 'pending' | 'active' | 'sold' | 'withdrawn';

/** What a listing or an order carries of its event (null when the service has not learned of it yet). */
export interface EventBrief {
  id: string;
  name: string;
  startsAt: string;
  timeZone: string;
  venue: { name: string; city: string; country: string };
}

/** What one seller offers for one event: tickets of one section (and row) at one price per ticket. */
export interface Listing {
  id: string;
  eventId: string;
  sellerId: string;
  event: EventBrief | null;
  section: string;
  row: string | null;
  price: number;
  faceValue: number;
  split: SplitRule;
  delivery: DeliveryMethod;
  /** Every ticket of the listing; `available` of them are on sale. */
  quantity: number;
  available: number;
  /** The k a buyer may order now (empty unless the listing is active). */
  buyableQuantities: number[];
  status: ListingStatus;
  version: number;
  createdAt: string;
  tickets: ListingTicket[];
}

export interface ListingPage {
  listings: Listing[];
  nextCursor: string | null;
}

/** GET /api/listings/terms: what a seller may list. */
export interface ListingTerms {
  maxMarkupPercent: number | null;
  maxTicketsPerListing: number;
  splits: SplitRule[];
  deliveries: DeliveryMethod[];
}

/** GET /api/orders/fees. */
export interface FeeTerms {
  buyerFeePercent: number;
  sellerFeePercent: number;
  rounding: string;
}

export type OrderStatus = 'created' | 'cancelled' | 'awaiting:payment' | 'complete';

export type CancelReason = 'cancelled' | 'expired' | 'payment_rejected' | 'event_cancelled' | 'not_delivered';

/** k tickets of one listing, held together until expiresAt; prices and fees fixed when it was created. */
export interface Order {
  id: string;
  status: OrderStatus;
  reason: CancelReason | null;
  userId: string;
  listingId: string;
  sellerId?: string;
  event: EventBrief | null;
  section: string;
  row: string | null;
  tickets: { id: string; seat: string | null }[];
  quantity: number;
  unitPrice: number;
  buyerFee: number;
  total: number;
  expiresAt: string;
  /** Null (or absent) until the order is complete and tickets has said how it delivers. */
  delivery?: OrderDelivery | null;
  createdAt: string;
}

export interface OrderDelivery {
  status: 'pending' | 'delivered';
  deadline: string | null;
  deliveredAt?: string | null;
}

/** PUT /api/tickets/:id/item. */
export interface TicketItemReceipt {
  id: string;
  delivered: boolean;
  hasPdf?: boolean;
}

/** GET /api/tickets/:id/item?format=json. */
export interface TicketItem {
  barcode: string;
  hasPdf: boolean;
}

export interface OrderPage {
  orders: Order[];
  nextCursor: string | null;
}

export interface Payment {
  id: string;
  orderId: string;
  amount: number;
  status: 'succeeded';
}

/** GET /api/payments?orderId=: a refund of a payment, and why (as far as payments knows; see PaidPayment). */
export interface PaymentRefund {
  id: string;
  amount: number;
  status: 'pending' | 'succeeded';
  /** `cancelled`: the order was cancelled after it was paid (the order's own `reason` says why); `payment_rejected`: it had already ended. */
  reason: CancelReason;
  createdAt: string;
  refundedAt: string | null;
}

/** GET /api/payments?orderId=: the buyer's receipt, one entry per payment of the order. */
export interface PaidPayment {
  id: string;
  amount: number;
  status: 'succeeded' | 'refunded';
  createdAt: string;
  refunds: PaymentRefund[];
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
