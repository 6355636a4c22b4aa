// Support for ../hold-expiry.test.ts: a cookie-carrying API client for the gateway (events, listings, orders of k),
// and a recorder of when each event of the expiry chain was stored in JetStream, so a late release can be attributed
// to the hop that was slow.
import { randomUUID } from 'node:crypto';
import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import { connectBus, createLogger, EventHeaders, type Bus, type StreamKey } from '@ticketing/common';
import { TEST_NATS_URL } from '@ticketing/common/testing';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  /** Date.now() just before the request was sent and just after the answer arrived. */
  sentAt: number;
  receivedAt: number;
}

/** A listing as its seller reads it: every ticket with its status. */
export interface Listing {
  id: string;
  status: 'active' | 'sold' | 'withdrawn';
  quantity: number;
  available: number;
  buyableQuantities: number[];
  tickets: { id: string; seat: string | null; status: 'available' | 'held' | 'sold' | 'withdrawn' }[];
}

export interface Order {
  id: string;
  status: string;
  userId: string;
  listingId: string;
  quantity: number;
  tickets: { id: string; seat: string | null }[];
  unitPrice: number;
  buyerFee: number;
  total: number;
  expiresAt: string;
  createdAt: string;
}

/** One person talking to the platform through the gateway, with the session cookie sign-up gave them. */
export class ApiUser {
  id = '';
  private cookie = '';

  constructor(
    private readonly baseUrl: string,
    readonly email: string,
  ) {}

  /** A real sign-up through auth; keeps the session cookie for the following requests. */
  static async signUp(baseUrl: string, role: string, email = `hold-${role}-${randomUUID().slice(0, 8)}@example.test`): Promise<ApiUser> {
    const user = new ApiUser(baseUrl, email);
    const res = await fetch(`${baseUrl}/api/users/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: 'correct horse battery staple' }),
    });
    if (res.status !== 201) throw new Error(`sign-up of ${user.email} answered ${res.status}: ${await res.text()}`);
    user.cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    user.id = ((await res.json()) as { id: string }).id;
    return user;
  }

  async request<T>(method: string, pathname: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const sentAt = Date.now();
    const res = await fetch(`${this.baseUrl}${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const receivedAt = Date.now();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, sentAt, receivedAt };
  }

  getListing(id: string) {
    return this.request<Listing>('GET', `/api/listings/${id}`);
  }

  /** As an admin: an event a month ahead, through catalog. */
  async scheduleEvent(name: string): Promise<string> {
    const startsAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const res = await this.request<{ id: string }>('POST', '/api/events', {
      name,
      category: 'concert',
      venue: { name: 'Hold Hall', city: 'London', country: 'GB' },
      timeZone: 'Europe/London',
      startsAt,
    });
    if (res.status !== 201) throw new Error(`POST /api/events answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  /**
   * POST /api/listings of numbered seats, retried while tickets refuses the event as unknown (400 field eventId): an
   * event scheduled moments ago reaches tickets' replica of the catalogue through event.scheduled.
   */
  async listSeats(eventId: string, seats: string[], price: number, timeoutMs = 15_000): Promise<Listing> {
    const body = { eventId, section: 'Block 512', row: 'F', seats, price, faceValue: price, split: 'any' };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.request<Listing & { errors?: { field?: string }[] }>('POST', '/api/listings', body);
      if (res.status === 201) return res.body;
      const unknownEvent = res.status === 400 && res.body.errors?.some((e) => e.field === 'eventId');
      if (!unknownEvent || Date.now() > deadline) throw new Error(`POST /api/listings answered ${res.status}: ${JSON.stringify(res.body)}`);
      await sleep(100);
    }
  }

  placeOrder(listingId: string, quantity: number) {
    return this.request<Order>('POST', '/api/orders', { listingId, quantity });
  }

  /**
   * POST /api/orders, retried while it answers 404: a listing made moments ago reaches orders' replica through
   * listing.changed, and until then orders does not know it (docs/api.md).
   */
  async placeOrderOnceKnown(listingId: string, quantity: number, timeoutMs = 15_000): Promise<ApiResponse<Order>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.placeOrder(listingId, quantity);
      if (res.status !== 404 || Date.now() > deadline) return res;
      await sleep(50);
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const sleepUntil = (epochMs: number) => sleep(epochMs - Date.now());

/** One stored event: when JetStream stored it, and when its transaction began (Event-Occurred-At). */
export interface RecordedEvent {
  subject: string;
  payload: Record<string, unknown>;
  storedAt: number;
  occurredAt: number;
}

/**
 * Watches the platform's bus namespace from now on (ephemeral ordered consumers: the services' durable consumers
 * are untouched) and keeps every event with its JetStream timestamp.
 */
export class EventTimeline {
  readonly events: RecordedEvent[] = [];
  private readonly loops: Array<{ messages: ConsumerMessages; done: Promise<void> }> = [];

  private constructor(private readonly bus: Bus) {}

  static async watch(namespace: string, streams: StreamKey[]): Promise<EventTimeline> {
    const bus = await connectBus({ url: TEST_NATS_URL, name: `hold-expiry-${namespace}`, namespace, logger: createLogger('hold-expiry', 'silent'), maxConnectAttempts: 3 });
    const timeline = new EventTimeline(bus);
    for (const stream of streams) {
      const consumer = await bus.js.consumers.get(bus.streamName(stream), { deliver_policy: DeliverPolicy.New });
      const messages = await consumer.consume();
      const done = (async () => {
        for await (const m of messages) {
          timeline.events.push({
            subject: bus.eventSubjectOf(m.subject) ?? m.subject,
            payload: m.json(),
            storedAt: Number(m.timestampNanos / 1_000_000n),
            occurredAt: Date.parse(m.headers?.get(EventHeaders.OccurredAt) ?? ''),
          });
        }
      })();
      timeline.loops.push({ messages, done });
    }
    return timeline;
  }

  find(subject: string, predicate: (payload: Record<string, unknown>) => boolean): RecordedEvent | undefined {
    return this.events.find((e) => e.subject === subject && predicate(e.payload));
  }

  /** Waits for such an event: the timeline's own consumer may be a moment behind the services'. */
  async next(subject: string, predicate: (payload: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<RecordedEvent | undefined> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.find(subject, predicate);
      if (found || Date.now() >= until) return found;
      await sleep(50);
    }
  }

  /** The first such event JetStream stored at or after `atMs`. */
  findFrom(atMs: number, subject: string, predicate: (payload: Record<string, unknown>) => boolean): RecordedEvent | undefined {
    return this.events.find((e) => e.subject === subject && e.storedAt >= atMs && predicate(e.payload));
  }

  count(subject: string, predicate: (payload: Record<string, unknown>) => boolean): number {
    return this.events.filter((e) => e.subject === subject && predicate(e.payload)).length;
  }

  async stop(): Promise<void> {
    for (const { messages } of this.loops) messages.stop();
    await Promise.all(this.loops.map(({ done }) => done.catch(() => undefined)));
    await this.bus.close();
  }
}

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
