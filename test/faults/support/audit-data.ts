import pg from 'pg';
import { collectEvents, type CollectedEvent } from '@ticketing/common/testing';
import { LEDGER_ENTRIES_SQL, type LedgerRow } from './audit-payments';
import { eventSchemas, streamOf, Streams, type Bus, type DeliveryMethod, type EventSubject, type SplitRule, type StreamKey } from '@ticketing/common';

// Everything the audit looks at, read straight from each service's database and from JetStream once the platform is
// quiet. No service API is asked: the audit must see what is stored, not what a service says.

export interface OutboxRow {
  eventId: string;
  subject: EventSubject;
  payload: Record<string, unknown>;
  occurredAt: Date;
  sentAt: Date | null;
}

export interface InboxRow {
  consumer: string;
  eventId: string;
  subject: string;
}

export interface BusTables {
  outbox: OutboxRow[];
  inbox: InboxRow[];
}

/** The services with a database, an outbox and an inbox. */
export type DatabaseService = 'tickets' | 'orders' | 'payments' | 'catalog';

export interface ListingRow {
  id: string;
  eventId: string;
  sellerId: string;
  version: number;
  status: string;
  priceCents: number;
  split: SplitRule;
  delivery: DeliveryMethod;
}

export interface AuditData {
  tickets: BusTables & {
    listings: ListingRow[];
    tickets: {
      id: string;
      listingId: string;
      seat: string | null;
      position: number;
      status: string;
      orderId: string | null;
      hasItem: boolean;
      /** The barcode's keyed fingerprint, hex (null without an item). */
      fingerprint: string | null;
      deliveredAt: Date | null;
    }[];
    knownOrders: { orderId: string; listingId: string; ticketIds: string[]; state: string; updatedAt: Date }[];
    catalogEvents: { id: string; version: number }[];
    /** Sealed items (ticket_items), without their ciphertext. */
    items: { ticketId: string; hasPdf: boolean; keyId: string }[];
    deliveries: { orderId: string; listingId: string; ticketIds: string[]; deadline: Date; status: string; deliveredAt: Date | null; missedAt: Date | null }[];
    fraudSignals: { kind: string; userId: string; ticketId: string }[];
  };
  orders: BusTables & {
    orders: {
      id: string;
      listingId: string;
      status: string;
      expiresAt: Date;
      quantity: number;
      unitPriceCents: number;
      buyerFeeCents: number;
      sellerFeeCents: number;
      totalCents: number;
      version: number;
      paymentId: string | null;
      cancelReason: string | null;
      deliveryStatus: string;
      deliveryDeadline: Date | null;
      deliveredAt: Date | null;
    }[];
    orderTickets: { orderId: string; ticketId: string; seat: string | null; position: number; active: boolean }[];
    listings: ListingRow[];
    listingTickets: { id: string; listingId: string; retired: boolean }[];
    catalogEvents: { id: string; version: number }[];
  };
  payments: BusTables & {
    orders: { id: string; version: number; status: string; totalCents: number; quantity: number; expiresAt: Date }[];
    attempts: { id: string; orderId: string; status: string; idempotencyKey: string; amountCents: number; providerId: string | null }[];
    payments: { id: string; orderId: string; amountCents: number; providerId: string; status: string }[];
    refunds: { paymentId: string; status: string; providerRefundId: string | null }[];
    charges: { id: string; idempotencyKey: string; amountCents: number; status: string }[];
    gatewayRefunds: { paymentIntentId: string; amountCents: number }[];
    payouts: { orderId: string; sellerId: string; amountCents: number; feeCents: number; status: string }[];
    /** payments' ledger, one row per entry with its transaction (audit-payments.ts judges it). */
    ledger?: LedgerRow[];
  };
  catalog: BusTables & {
    events: { id: string; version: number }[];
  };
  streams: Record<StreamKey, { messages: number; events: CollectedEvent[] }>;
  consumers: ConsumerState[];
  /** Open timers in expiration's BullMQ queue (delayed + waiting + active). */
  pendingTimers: number;
}

export interface ConsumerState {
  stream: StreamKey;
  /** The durable's name: the consuming service's (common's startConsumers). */
  name: string;
  /** The event subjects its filter lets through (its handlers'). */
  subjects: EventSubject[];
  numPending: number;
  numAckPending: number;
  delivered: number;
  ackFloor: number;
}

async function query<T>(client: pg.Client, sql: string): Promise<T[]> {
  return (await client.query(sql)).rows as T[];
}

async function busTables(client: pg.Client): Promise<BusTables> {
  return {
    outbox: await query<OutboxRow>(client, 'SELECT event_id AS "eventId", subject, payload, occurred_at AS "occurredAt", sent_at AS "sentAt" FROM outbox ORDER BY seq'),
    inbox: await query<InboxRow>(client, 'SELECT consumer, event_id AS "eventId", subject FROM inbox'),
  };
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const STREAMS = Object.keys(Streams) as StreamKey[];

/**
 * The durable consumers the services declare, with the subjects they handle (docs/design.md "Shape"). The audit
 * reports any that JetStream lacks. A durable's own filter names its subjects on nats-server 2.10+; older servers
 * (this machine's 2.9) get the stream's wildcard and the consumer acks the rest unhandled, so the table is the truth.
 */
export const DURABLES: { stream: StreamKey; name: string; subjects: EventSubject[] }[] = [
  { stream: 'ORDERS', name: 'tickets', subjects: ['order.created', 'order.cancelled', 'order.completed'] },
  { stream: 'EVENTS', name: 'tickets', subjects: ['event.scheduled', 'event.updated', 'event.cancelled'] },
  { stream: 'LISTINGS', name: 'orders', subjects: ['listing.changed'] },
  { stream: 'EVENTS', name: 'orders', subjects: ['event.scheduled', 'event.updated', 'event.cancelled'] },
  { stream: 'EXPIRATION', name: 'orders', subjects: ['expiration.completed'] },
  { stream: 'PAYMENTS', name: 'orders', subjects: ['payment.created'] },
  { stream: 'DELIVERIES', name: 'orders', subjects: ['delivery.scheduled', 'delivery.completed', 'delivery.missed'] },
  { stream: 'ORDERS', name: 'expiration', subjects: ['order.created', 'order.cancelled', 'order.completed'] },
  { stream: 'ORDERS', name: 'payments', subjects: ['order.created', 'order.cancelled', 'order.completed', 'order.payment_rejected'] },
  { stream: 'LISTINGS', name: 'catalog', subjects: ['listing.changed'] },
];

/** Wire filter subjects → event subjects (the table's, for a stream-wide wildcard). */
function subjectsOf(bus: Bus, stream: StreamKey, name: string, filters: string[]): EventSubject[] {
  const all = (Object.keys(eventSchemas) as EventSubject[]).filter((s) => streamOf(s) === stream);
  if (!filters.length || filters.some((f) => f.endsWith('>') || f.endsWith('*'))) return DURABLES.find((d) => d.stream === stream && d.name === name)?.subjects ?? all;
  return filters.map((f) => bus.eventSubjectOf(f)).filter((s): s is EventSubject => all.includes(s as EventSubject));
}

/** Every durable consumer of every stream, as JetStream reports it (so a consumer a service adds is audited too). */
export async function consumerStates(bus: Bus): Promise<ConsumerState[]> {
  const states: ConsumerState[] = [];
  for (const stream of STREAMS) {
    try {
      for await (const info of bus.jsm.consumers.list(bus.streamName(stream))) {
        if (!info.config.durable_name) continue;
        const filters = info.config.filter_subjects ?? (info.config.filter_subject ? [info.config.filter_subject] : []);
        states.push({
          stream,
          name: info.config.durable_name,
          subjects: subjectsOf(bus, stream, info.config.durable_name, filters),
          numPending: info.num_pending,
          numAckPending: info.num_ack_pending,
          delivered: info.delivered.stream_seq,
          ackFloor: info.ack_floor.stream_seq,
        });
      }
    } catch {
      // the stream does not exist (nothing ever published to it nor consumed from it)
    }
  }
  return states;
}

async function readStream(bus: Bus, stream: StreamKey): Promise<{ messages: number; events: CollectedEvent[] }> {
  const info = await bus.jsm.streams.info(bus.streamName(stream)).catch(() => undefined);
  const messages = info?.state.messages ?? 0;
  if (!messages) return { messages, events: [] };
  const collector = await collectEvents(bus, stream);
  try {
    const events = await collector.waitForCount(messages, { timeoutMs: 60_000, intervalMs: 50 });
    return { messages, events };
  } finally {
    await collector.stop();
  }
}

const LISTING_COLUMNS = `id, event_id AS "eventId", seller_id AS "sellerId", version, status, price_cents AS "priceCents", split, delivery`;

export async function loadAuditData(dbUrl: (service: DatabaseService) => string, bus: Bus, pendingTimers: () => Promise<number>): Promise<AuditData> {
  const tickets = await withClient(dbUrl('tickets'), async (c) => ({
    ...(await busTables(c)),
    listings: await query<ListingRow>(c, `SELECT ${LISTING_COLUMNS} FROM listings`),
    tickets: await query<AuditData['tickets']['tickets'][number]>(
      c,
      `SELECT id, listing_id AS "listingId", seat, position, status, order_id AS "orderId", has_item AS "hasItem",
              encode(item_fingerprint, 'hex') AS fingerprint, delivered_at AS "deliveredAt" FROM tickets ORDER BY listing_id, position`,
    ),
    knownOrders: await query<AuditData['tickets']['knownOrders'][number]>(
      c,
      'SELECT order_id AS "orderId", listing_id AS "listingId", ticket_ids AS "ticketIds", state, updated_at AS "updatedAt" FROM known_orders',
    ),
    catalogEvents: await query<{ id: string; version: number }>(c, 'SELECT id, version FROM catalog_events'),
    items: await query<AuditData['tickets']['items'][number]>(c, 'SELECT ticket_id AS "ticketId", has_pdf AS "hasPdf", key_id AS "keyId" FROM ticket_items'),
    deliveries: await query<AuditData['tickets']['deliveries'][number]>(
      c,
      `SELECT order_id AS "orderId", listing_id AS "listingId", ticket_ids AS "ticketIds", deadline, status, delivered_at AS "deliveredAt",
              missed_at AS "missedAt" FROM deliveries`,
    ),
    fraudSignals: await query<AuditData['tickets']['fraudSignals'][number]>(c, 'SELECT kind, user_id AS "userId", ticket_id AS "ticketId" FROM fraud_signals'),
  }));
  const orders = await withClient(dbUrl('orders'), async (c) => ({
    ...(await busTables(c)),
    orders: await query<AuditData['orders']['orders'][number]>(
      c,
      `SELECT id, listing_id AS "listingId", status, expires_at AS "expiresAt", quantity, unit_price_cents AS "unitPriceCents",
              buyer_fee_cents AS "buyerFeeCents", seller_fee_cents AS "sellerFeeCents", total_cents AS "totalCents", version,
              payment_id AS "paymentId", cancel_reason AS "cancelReason", delivery_status AS "deliveryStatus",
              delivery_deadline AS "deliveryDeadline", delivered_at AS "deliveredAt" FROM orders`,
    ),
    orderTickets: await query<AuditData['orders']['orderTickets'][number]>(
      c,
      'SELECT order_id AS "orderId", ticket_id AS "ticketId", seat, position, active FROM order_tickets ORDER BY order_id, position',
    ),
    listings: await query<ListingRow>(c, `SELECT ${LISTING_COLUMNS} FROM listings`),
    listingTickets: await query<AuditData['orders']['listingTickets'][number]>(c, 'SELECT id, listing_id AS "listingId", retired FROM listing_tickets'),
    catalogEvents: await query<{ id: string; version: number }>(c, 'SELECT id, version FROM catalog_events'),
  }));
  const payments = await withClient(dbUrl('payments'), async (c) => ({
    ...(await busTables(c)),
    orders: await query<AuditData['payments']['orders'][number]>(
      c,
      'SELECT id, version, status, total_cents AS "totalCents", quantity, expires_at AS "expiresAt" FROM orders',
    ),
    attempts: await query<AuditData['payments']['attempts'][number]>(
      c,
      'SELECT id, order_id AS "orderId", status, idempotency_key AS "idempotencyKey", amount_cents AS "amountCents", provider_id AS "providerId" FROM payment_attempts',
    ),
    payments: await query<AuditData['payments']['payments'][number]>(
      c,
      'SELECT id, order_id AS "orderId", amount_cents AS "amountCents", provider_id AS "providerId", status FROM payments',
    ),
    refunds: await query<AuditData['payments']['refunds'][number]>(c, 'SELECT payment_id AS "paymentId", status, provider_refund_id AS "providerRefundId" FROM refunds'),
    charges: await query<AuditData['payments']['charges'][number]>(
      c,
      'SELECT id, idempotency_key AS "idempotencyKey", amount_cents AS "amountCents", status FROM test_gateway_charges',
    ),
    gatewayRefunds: await query<AuditData['payments']['gatewayRefunds'][number]>(
      c,
      'SELECT payment_intent_id AS "paymentIntentId", amount_cents AS "amountCents" FROM test_gateway_refunds',
    ),
    payouts: await query<AuditData['payments']['payouts'][number]>(
      c,
      'SELECT order_id AS "orderId", seller_id AS "sellerId", amount_cents AS "amountCents", fee_cents AS "feeCents", status FROM payouts',
    ),
    ledger: await query<LedgerRow>(c, LEDGER_ENTRIES_SQL),
  }));
  const catalog = await withClient(dbUrl('catalog'), async (c) => ({
    ...(await busTables(c)),
    events: await query<{ id: string; version: number }>(c, 'SELECT id, version FROM events'),
  }));
  const streams = {} as AuditData['streams'];
  for (const stream of STREAMS) streams[stream] = await readStream(bus, stream);
  return { tickets, orders, payments, catalog, streams, consumers: await consumerStates(bus), pendingTimers: await pendingTimers() };
}
