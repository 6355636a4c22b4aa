import { z } from 'zod';
import { SPLIT_RULES } from '../market/split';

/**
 * The event contracts between services (docs/design.md "Events"). One schema per event; the TypeScript type is inferred
 * from it; payloads are validated on publish and on receipt. Amounts are integer cents. Never redefine these in a service.
 */

const id = z.uuid();
const version = z.number().int().nonnegative();
const cents = z.number().int().positive();
const isoTime = z.iso.datetime({ offset: true });

/**
 * The catalogue event that tickets listed before events existed were moved under by the migrations of issue 16
 * (tickets' and orders' databases hold it from their migration; catalog creates it when its first listing arrives).
 */
export const LEGACY_EVENT_ID = '00000000-0000-4000-8000-00000000e001';

/** A ticket of a listing: free, held by an order, sold to one, or taken off sale by its seller. */
export const TicketStatus = z.enum(['available', 'held', 'sold', 'withdrawn']);
export type TicketStatus = z.infer<typeof TicketStatus>;

export const OrderStatus = z.enum(['created', 'cancelled', 'awaiting:payment', 'complete']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const CancellationReason = z.enum(['expired', 'cancelled', 'payment_rejected', 'event_cancelled', 'not_delivered']);
export type CancellationReason = z.infer<typeof CancellationReason>;

/** Which quantities a buyer may take from a listing (docs/design.md "split rule"; common/src/listings/split.ts). */
export const SplitRule = z.enum(SPLIT_RULES);
export type SplitRule = z.infer<typeof SplitRule>;

export const DeliveryMethod = z.enum(['instant', 'later']);
export type DeliveryMethod = z.infer<typeof DeliveryMethod>;

/** The most tickets one listing may hold. */
export const MAX_TICKETS_PER_LISTING = 100;

const seat = z.string().min(1).max(20).nullable();

/**
 * order.created, version 2: k tickets of one listing, with the prices and fees fixed in the order
 * (total = quantity × unitPrice + buyerFee; the seller is owed quantity × unitPrice − sellerFee).
 */
const orderCreatedV2 = z
  .object({
    id,
    version,
    status: OrderStatus,
    userId: id,
    listingId: id,
    eventId: id,
    sellerId: id,
    expiresAt: isoTime,
    /** In seat order; each ticket is held by this order until it ends. */
    tickets: z.array(z.object({ id, seat })).min(1).max(MAX_TICKETS_PER_LISTING),
    quantity: z.number().int().positive().max(MAX_TICKETS_PER_LISTING),
    unitPriceCents: cents,
    buyerFeeCents: z.number().int().nonnegative(),
    sellerFeeCents: z.number().int().nonnegative(),
    totalCents: cents,
  })
  .refine((o) => o.tickets.length === o.quantity, { message: 'tickets must hold exactly quantity tickets', path: ['tickets'] })
  .refine((o) => new Set(o.tickets.map((t) => t.id)).size === o.tickets.length, { message: 'a ticket appears twice', path: ['tickets'] })
  .refine((o) => o.totalCents === o.quantity * o.unitPriceCents + o.buyerFeeCents, {
    message: 'totalCents must equal quantity × unitPriceCents + buyerFeeCents',
    path: ['totalCents'],
  });

/**
 * Version 1 (one ticket per order, before listings of several tickets) may still be in a stream when a deployment
 * upgrades. Migrated databases turn each old ticket into a one-ticket listing whose id is the ticket's id, under
 * LEGACY_EVENT_ID, so a v1 message reads as that listing's one ticket at its price, with no fees.
 */
const orderCreatedV1 = z
  .object({ id, version, status: OrderStatus, userId: id, expiresAt: isoTime, ticket: z.object({ id, priceCents: cents }) })
  .transform((o): z.output<typeof orderCreatedV2> => ({
    id: o.id,
    version: o.version,
    status: o.status,
    userId: o.userId,
    listingId: o.ticket.id,
    eventId: LEGACY_EVENT_ID,
    // v1 did not carry the seller; nobody downstream of order.created v1 needed it.
    sellerId: '00000000-0000-4000-8000-000000000000',
    expiresAt: o.expiresAt,
    tickets: [{ id: o.ticket.id, seat: null }],
    quantity: 1,
    unitPriceCents: o.ticket.priceCents,
    buyerFeeCents: 0,
    sellerFeeCents: 0,
    totalCents: o.ticket.priceCents,
  }));

export const orderCreatedSchema = z.union([orderCreatedV2, orderCreatedV1]);

const ticketIds = z.array(id).min(1).max(MAX_TICKETS_PER_LISTING);

const orderCancelledV2 = z.object({ id, version, listingId: id, ticketIds, reason: CancellationReason });
const orderCancelledV1 = z
  .object({ id, version, ticket: z.object({ id }), reason: CancellationReason })
  .transform((o): z.output<typeof orderCancelledV2> => ({ id: o.id, version: o.version, listingId: o.ticket.id, ticketIds: [o.ticket.id], reason: o.reason }));
export const orderCancelledSchema = z.union([orderCancelledV2, orderCancelledV1]);

const orderCompletedV2 = z.object({ id, version, listingId: id, ticketIds, paymentId: id });
const orderCompletedV1 = z
  .object({ id, version, ticket: z.object({ id }), paymentId: id })
  .transform((o): z.output<typeof orderCompletedV2> => ({ id: o.id, version: o.version, listingId: o.ticket.id, ticketIds: [o.ticket.id], paymentId: o.paymentId }));
export const orderCompletedSchema = z.union([orderCompletedV2, orderCompletedV1]);

export const orderPaymentRejectedSchema = z.object({ orderId: id, paymentId: id });

export const expirationCompletedSchema = z.object({ orderId: id });

export const paymentCreatedSchema = z.object({
  id,
  orderId: id,
  amountCents: cents,
  providerId: z.string().min(1),
});

export const paymentRefundedSchema = z.object({ id, orderId: id, refundId: z.string().min(1) });

export const EventCategory = z.enum(['concert', 'sports', 'theatre', 'comedy', 'festival', 'other']);
export type EventCategory = z.infer<typeof EventCategory>;

/** `cancelled` is final; an event whose startsAt has passed is over whatever its status says. */
export const EventStatus = z.enum(['scheduled', 'cancelled']);
export type EventStatus = z.infer<typeof EventStatus>;

/**
 * An event of the catalogue as the catalog service holds it after the change: every event.* carries the whole event,
 * so a replica can apply any one of them on its own (newest version wins).
 */
export const catalogEventSchema = z.object({
  id,
  version,
  name: z.string().min(1).max(200),
  category: EventCategory,
  venue: z.object({
    name: z.string().min(1).max(200),
    city: z.string().min(1).max(100),
    /** ISO 3166-1 alpha-2, upper case. */
    country: z.string().regex(/^[A-Z]{2}$/),
  }),
  /** IANA time zone of the venue (`Europe/London`): pages show startsAt in it. */
  timeZone: z.string().min(1).max(64),
  startsAt: isoTime,
  status: EventStatus,
  /**
   * The event's artwork as URLs on the API's origin, one per size the pages use, each carrying its version (so it
   * may be cached for good); null without artwork. Optional: events written before artwork existed have none.
   */
  artwork: z.object({ card: z.string().min(1), hero: z.string().min(1) }).nullable().optional(),
});

/**
 * `pending`: an instant-delivery listing waiting for its tickets' items (not on sale until every ticket has one);
 * `active`: on sale (tickets available or held); `sold`: nothing left to sell; `withdrawn`: by its seller.
 */
export const ListingStatus = z.enum(['pending', 'active', 'sold', 'withdrawn']);
export type ListingStatus = z.infer<typeof ListingStatus>;

/**
 * A listing after any change to it (published by tickets in the transaction that changed it): a whole snapshot, so a
 * consumer keeps the highest version it has seen and may skip the versions in between. Ticket statuses are the
 * tickets service's view (a hold shows once tickets has applied the order's event); orders decides holds itself.
 */
export const listingChangedSchema = z.object({
  id,
  eventId: id,
  sellerId: id,
  version,
  status: ListingStatus,
  section: z.string().min(1).max(100),
  row: z.string().min(1).max(20).nullable(),
  /** Price per ticket, what a buyer pays before the buyer fee. */
  priceCents: cents,
  faceValueCents: cents,
  split: SplitRule,
  delivery: DeliveryMethod,
  /** Tickets of the listing a buyer could order now (status available). */
  available: z.number().int().nonnegative(),
  /** Every ticket of the listing in seat order (adjacent seats are adjacent here). */
  tickets: z.array(z.object({ id, seat, status: TicketStatus })).min(1).max(MAX_TICKETS_PER_LISTING),
});

/**
 * Delivery of one paid order's ticket items (published by tickets; the aggregate is the order's delivery, keyed by
 * orderId). Instant listings deliver when the order completes (delivery.completed at once); `later` listings first get
 * delivery.scheduled with the deadline, then delivery.completed when the seller has uploaded every item, or
 * delivery.missed when the deadline passed first — orders then cancels the order (reason not_delivered) and payments
 * refunds it in full. Exactly one of completed / missed is ever published for an order.
 */
const deliveryFacts = { orderId: id, listingId: id, ticketIds, method: DeliveryMethod };
export const deliveryScheduledSchema = z.object({ ...deliveryFacts, deadline: isoTime });
export const deliveryCompletedSchema = z.object({ ...deliveryFacts, deliveredAt: isoTime });
export const deliveryMissedSchema = z.object({ ...deliveryFacts, deadline: isoTime });

/** Subject → schema. The subject is `<aggregate>.<event>`; its first segment names the stream that carries it. */
export const eventSchemas = {
  'order.created': orderCreatedSchema,
  'order.cancelled': orderCancelledSchema,
  'order.completed': orderCompletedSchema,
  'order.payment_rejected': orderPaymentRejectedSchema,
  'expiration.completed': expirationCompletedSchema,
  'payment.created': paymentCreatedSchema,
  'payment.refunded': paymentRefundedSchema,
  'event.scheduled': catalogEventSchema,
  'event.updated': catalogEventSchema,
  'event.cancelled': catalogEventSchema,
  'listing.changed': listingChangedSchema,
  'delivery.scheduled': deliveryScheduledSchema,
  'delivery.completed': deliveryCompletedSchema,
  'delivery.missed': deliveryMissedSchema,
} as const;

export type EventSubject = keyof typeof eventSchemas;
export type EventPayload<S extends EventSubject> = z.infer<(typeof eventSchemas)[S]>;

export type OrderCreatedEvent = EventPayload<'order.created'>;
export type OrderCancelledEvent = EventPayload<'order.cancelled'>;
export type OrderCompletedEvent = EventPayload<'order.completed'>;
export type OrderPaymentRejectedEvent = EventPayload<'order.payment_rejected'>;
export type ExpirationCompletedEvent = EventPayload<'expiration.completed'>;
export type PaymentCreatedEvent = EventPayload<'payment.created'>;
export type PaymentRefundedEvent = EventPayload<'payment.refunded'>;
/** The payload of event.scheduled, event.updated and event.cancelled (one shape). */
export type CatalogEventPayload = z.infer<typeof catalogEventSchema>;
export type ListingChangedEvent = EventPayload<'listing.changed'>;
export type DeliveryScheduledEvent = EventPayload<'delivery.scheduled'>;
export type DeliveryCompletedEvent = EventPayload<'delivery.completed'>;
export type DeliveryMissedEvent = EventPayload<'delivery.missed'>;

export const Subjects = {
  OrderCreated: 'order.created',
  OrderCancelled: 'order.cancelled',
  OrderCompleted: 'order.completed',
  OrderPaymentRejected: 'order.payment_rejected',
  ExpirationCompleted: 'expiration.completed',
  PaymentCreated: 'payment.created',
  PaymentRefunded: 'payment.refunded',
  EventScheduled: 'event.scheduled',
  EventUpdated: 'event.updated',
  EventCancelled: 'event.cancelled',
  ListingChanged: 'listing.changed',
  DeliveryScheduled: 'delivery.scheduled',
  DeliveryCompleted: 'delivery.completed',
  DeliveryMissed: 'delivery.missed',
} as const satisfies Record<string, EventSubject>;

/**
 * One stream per aggregate, captured as `<aggregate>.>`; each stream has one publishing service (tickets publishes
 * LISTINGS and DELIVERIES; TICKETS is kept for ticket.* facts). EVENTS is the catalogue's events (concerts, matches), not the bus's messages.
 */
export const Streams = {
  TICKETS: { name: 'TICKETS', aggregate: 'ticket' },
  ORDERS: { name: 'ORDERS', aggregate: 'order' },
  EXPIRATION: { name: 'EXPIRATION', aggregate: 'expiration' },
  PAYMENTS: { name: 'PAYMENTS', aggregate: 'payment' },
  EVENTS: { name: 'EVENTS', aggregate: 'event' },
  LISTINGS: { name: 'LISTINGS', aggregate: 'listing' },
  DELIVERIES: { name: 'DELIVERIES', aggregate: 'delivery' },
} as const;
export type StreamKey = keyof typeof Streams;

export function streamOf(subject: EventSubject): StreamKey {
  const aggregate = subject.split('.')[0];
  const key = (Object.keys(Streams) as StreamKey[]).find((k) => Streams[k].aggregate === aggregate);
  if (!key) throw new Error(`no stream carries ${subject}`);
  return key;
}

/** Headers every message carries besides its body (docs/design.md): event id (= Nats-Msg-Id), type, time, trace. */
export const EventHeaders = {
  EventId: 'Nats-Msg-Id',
  EventType: 'Event-Type',
  OccurredAt: 'Event-Occurred-At',
  TraceParent: 'traceparent',
  RequestId: 'X-Request-Id',
} as const;
