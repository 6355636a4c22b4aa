import { z } from 'zod';

/**
 * The event contracts between services (DESIGN.md "Events"). One schema per event; the TypeScript type is inferred
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
} as const satisfies Record<string, EventSubject>;

/** One stream per publishing service; it captures `<aggregate>.>`. */
export const Streams = {
  TICKETS: { name: 'TICKETS', aggregate: 'ticket' },
  ORDERS: { name: 'ORDERS', aggregate: 'order' },
  EXPIRATION: { name: 'EXPIRATION', aggregate: 'expiration' },
  PAYMENTS: { name: 'PAYMENTS', aggregate: 'payment' },
} as const;
export type StreamKey = keyof typeof Streams;

export function streamOf(subject: EventSubject): StreamKey {
  const aggregate = subject.split('.')[0];
  const key = (Object.keys(Streams) as StreamKey[]).find((k) => Streams[k].aggregate === aggregate);
  if (!key) throw new Error(`no stream carries ${subject}`);
  return key;
}

/** Headers every message carries besides its body (DESIGN.md): event id (= Nats-Msg-Id), type, time, trace. */
export const EventHeaders = {
  EventId: 'Nats-Msg-Id',
  EventType: 'Event-Type',
  OccurredAt: 'Event-Occurred-At',
  TraceParent: 'traceparent',
  RequestId: 'X-Request-Id',
} as const;
