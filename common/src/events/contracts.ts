import { z } from 'zod';

/**
 * The event contracts between services (docs/design.md "Events"). One schema per event; the TypeScript type is inferred
 * from it; payloads are validated on publish and on receipt. Amounts are integer cents. Never redefine these in a service.
 */

const id = z.uuid();
const version = z.number().int().nonnegative();
const cents = z.number().int().positive();
const isoTime = z.iso.datetime({ offset: true });

export const TicketStatus = z.enum(['available', 'reserved', 'sold']);
export type TicketStatus = z.infer<typeof TicketStatus>;

export const OrderStatus = z.enum(['created', 'cancelled', 'awaiting:payment', 'complete']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const CancellationReason = z.enum(['expired', 'cancelled', 'payment_rejected']);
export type CancellationReason = z.infer<typeof CancellationReason>;

export const ticketCreatedSchema = z.object({
  id,
  version,
  title: z.string().min(1).max(200),
  priceCents: cents,
  userId: id,
});

export const ticketUpdatedSchema = ticketCreatedSchema.extend({
  orderId: id.nullable(),
  status: TicketStatus,
});

export const orderCreatedSchema = z.object({
  id,
  version,
  status: OrderStatus,
  userId: id,
  expiresAt: isoTime,
  ticket: z.object({ id, priceCents: cents }),
});

export const orderCancelledSchema = z.object({
  id,
  version,
  ticket: z.object({ id }),
  reason: CancellationReason,
});

export const orderCompletedSchema = z.object({
  id,
  version,
  ticket: z.object({ id }),
  paymentId: id,
});

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

export const ListingStatus = z.enum(['active', 'sold', 'withdrawn']);
export type ListingStatus = z.infer<typeof ListingStatus>;

/**
 * A listing's summary after any change to it (published by tickets from issue 16): a whole snapshot, so a consumer
 * keeps the highest version it has seen and may skip the versions in between.
 */
export const listingChangedSchema = z.object({
  id,
  eventId: id,
  version,
  status: ListingStatus,
  /** Tickets of the listing a buyer could order now. */
  available: z.number().int().nonnegative(),
  /** Price per ticket. */
  priceCents: cents,
});

/** Subject → schema. The subject is `<aggregate>.<event>`; its first segment names the stream that carries it. */
export const eventSchemas = {
  'ticket.created': ticketCreatedSchema,
  'ticket.updated': ticketUpdatedSchema,
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
} as const;

export type EventSubject = keyof typeof eventSchemas;
export type EventPayload<S extends EventSubject> = z.infer<(typeof eventSchemas)[S]>;

export type TicketCreatedEvent = EventPayload<'ticket.created'>;
export type TicketUpdatedEvent = EventPayload<'ticket.updated'>;
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

export const Subjects = {
  TicketCreated: 'ticket.created',
  TicketUpdated: 'ticket.updated',
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
} as const satisfies Record<string, EventSubject>;

/**
 * One stream per aggregate, captured as `<aggregate>.>`; each stream has one publishing service (tickets will publish
 * two: TICKETS and LISTINGS). EVENTS is the catalogue's events (concerts, matches), not the bus's messages.
 */
export const Streams = {
  TICKETS: { name: 'TICKETS', aggregate: 'ticket' },
  ORDERS: { name: 'ORDERS', aggregate: 'order' },
  EXPIRATION: { name: 'EXPIRATION', aggregate: 'expiration' },
  PAYMENTS: { name: 'PAYMENTS', aggregate: 'payment' },
  EVENTS: { name: 'EVENTS', aggregate: 'event' },
  LISTINGS: { name: 'LISTINGS', aggregate: 'listing' },
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
