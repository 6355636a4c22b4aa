import pg from 'pg';
import { collectEvents, type CollectedEvent } from '@ticketing/common/testing';
import type { Bus, EventSubject, StreamKey } from '@ticketing/common';

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

export interface AuditData {
  tickets: BusTables & {
    tickets: { id: string; status: string; orderId: string | null; version: number; priceCents: number; title: string }[];
    knownOrders: { orderId: string; ticketId: string; state: string }[];
  };
  orders: BusTables & {
    orders: { id: string; ticketId: string; status: string; expiresAt: Date; priceCents: number; version: number; paymentId: string | null; cancelReason: string | null }[];
    tickets: { id: string; version: number; priceCents: number; title: string }[];
  };
  payments: BusTables & {
    orders: { id: string; version: number; status: string; priceCents: number; expiresAt: Date; ticketId: string }[];
    attempts: { id: string; orderId: string; status: string; idempotencyKey: string; amountCents: number; providerId: string | null }[];
    payments: { id: string; orderId: string; amountCents: number; providerId: string; status: string }[];
    refunds: { paymentId: string; status: string; providerRefundId: string | null }[];
    charges: { id: string; idempotencyKey: string; amountCents: number; status: string }[];
    gatewayRefunds: { paymentIntentId: string; amountCents: number }[];
  };
  streams: Record<StreamKey, { messages: number; events: CollectedEvent[] }>;
  consumers: { stream: StreamKey; name: string; numPending: number; numAckPending: number; delivered: number; ackFloor: number }[];
  /** Open timers in expiration's BullMQ queue (delayed + waiting + active). */
  pendingTimers: number;
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

const STREAMS: StreamKey[] = ['TICKETS', 'ORDERS', 'EXPIRATION', 'PAYMENTS'];
export const DURABLES: { stream: StreamKey; name: string }[] = [
  { stream: 'ORDERS', name: 'tickets' },
  { stream: 'TICKETS', name: 'orders' },
  { stream: 'EXPIRATION', name: 'orders' },
  { stream: 'PAYMENTS', name: 'orders' },
  { stream: 'ORDERS', name: 'expiration' },
  { stream: 'ORDERS', name: 'payments' },
];

export async function consumerStates(bus: Bus): Promise<AuditData['consumers']> {
  return Promise.all(
    DURABLES.map(async ({ stream, name }) => {
      const info = await bus.jsm.consumers.info(bus.streamName(stream), name);
      return { stream, name, numPending: info.num_pending, numAckPending: info.num_ack_pending, delivered: info.delivered.stream_seq, ackFloor: info.ack_floor.stream_seq };
    }),
  );
}

async function readStream(bus: Bus, stream: StreamKey): Promise<{ messages: number; events: CollectedEvent[] }> {
  const info = await bus.jsm.streams.info(bus.streamName(stream));
  const messages = info.state.messages;
  if (!messages) return { messages, events: [] };
  const collector = await collectEvents(bus, stream);
  try {
    const events = await collector.waitForCount(messages, { timeoutMs: 60_000, intervalMs: 50 });
    return { messages, events };
  } finally {
    await collector.stop();
  }
}

export async function loadAuditData(dbUrl: (service: 'tickets' | 'orders' | 'payments') => string, bus: Bus, pendingTimers: () => Promise<number>): Promise<AuditData> {
  const tickets = await withClient(dbUrl('tickets'), async (c) => ({
    ...(await busTables(c)),
    tickets: await query<AuditData['tickets']['tickets'][number]>(c, 'SELECT id, status, order_id AS "orderId", version, price_cents AS "priceCents", title FROM tickets'),
    knownOrders: await query<AuditData['tickets']['knownOrders'][number]>(c, 'SELECT order_id AS "orderId", ticket_id AS "ticketId", state FROM known_orders'),
  }));
  const orders = await withClient(dbUrl('orders'), async (c) => ({
    ...(await busTables(c)),
    orders: await query<AuditData['orders']['orders'][number]>(
      c,
      `SELECT id, ticket_id AS "ticketId", status, expires_at AS "expiresAt", price_cents AS "priceCents", version,
              payment_id AS "paymentId", cancel_reason AS "cancelReason" FROM orders`,
    ),
    tickets: await query<AuditData['orders']['tickets'][number]>(c, 'SELECT id, version, price_cents AS "priceCents", title FROM tickets'),
  }));
  const payments = await withClient(dbUrl('payments'), async (c) => ({
    ...(await busTables(c)),
    orders: await query<AuditData['payments']['orders'][number]>(
      c,
      'SELECT id, version, status, price_cents AS "priceCents", expires_at AS "expiresAt", ticket_id AS "ticketId" FROM orders',
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
  }));
  const streams = {} as AuditData['streams'];
  for (const stream of STREAMS) streams[stream] = await readStream(bus, stream);
  return { tickets, orders, payments, streams, consumers: await consumerStates(bus), pendingTimers: await pendingTimers() };
}
