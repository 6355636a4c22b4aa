import { randomBytes, randomUUID } from 'node:crypto';
import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { Logger } from '../log/logger';
import { createLogger } from '../log/logger';
import { EventHeaders, streamOf, type EventPayload, type EventSubject, type StreamKey } from '../events/contracts';
import { connectBus, type Bus } from '../bus/connection';
import { ensureStreams } from '../bus/streams';
import { buildEventHeaders } from '../bus/event-headers';
import { publishEvent, type PublishMeta } from '../bus/outbox/publish';
import { waitFor, type WaitForOptions } from './wait-for';

export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface TestBus {
  bus: Bus;
  /** Unique per call: give it to the service under test as BUS_NAMESPACE (or pass `bus` itself). */
  namespace: string;
  url: string;
  /** Deletes every stream of the namespace (their consumers go with them) and closes the connection. */
  cleanup(): Promise<void>;
}

/** A fresh bus namespace for one test file: its own streams and subjects on the shared NATS, gone after cleanup(). */
export async function createTestBus(logger: Logger = createLogger('test-bus', 'silent'), opts: { url?: string; name?: string } = {}): Promise<TestBus> {
  const namespace = `t${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  const url = opts.url ?? TEST_NATS_URL;
  const bus = await connectBus({ url, name: opts.name ?? `test-${namespace}`, namespace, logger, maxConnectAttempts: 3 });
  return { bus, namespace, url, cleanup: () => deleteNamespace(bus) };
}

/** Deletes the namespace's streams (only a non-empty namespace: never production streams), then closes the bus. */
export async function deleteNamespace(bus: Bus): Promise<void> {
  if (!bus.namespace) throw new Error('refusing to delete the streams of the empty (production) namespace');
  try {
    if (bus.isConnected()) {
      for await (const name of bus.jsm.streams.names()) {
        if (name.startsWith(`${bus.namespace}_`)) await bus.jsm.streams.delete(name).catch(() => undefined);
      }
    }
  } finally {
    await bus.close();
  }
}

const ensured = new WeakMap<Bus, Set<StreamKey>>();
async function ensureStreamOnce(bus: Bus, key: StreamKey): Promise<void> {
  const done = ensured.get(bus) ?? new Set<StreamKey>();
  ensured.set(bus, done);
  if (done.has(key)) return;
  await ensureStreams(bus, [key]);
  done.add(key);
}

/**
 * Publishes a body exactly as given, unvalidated (its stream must exist): what a process of the previous version put
 * on the stream. publishTestEvent validates, and so would already upcast an old payload before it reached the wire.
 */
export async function publishRawEvent(bus: Bus, subject: EventSubject, body: unknown, eventId: string = randomUUID()): Promise<string> {
  await bus.js.publish(bus.subject(subject), JSON.stringify(body), { msgID: eventId, headers: buildEventHeaders({ eventId, subject, occurredAt: new Date() }) });
  return eventId;
}

/**
 * Publishes an event as another service would (creating its stream if needed) and returns its event id. Pass the
 * same eventId twice to test redelivery handling; the payload is validated against its contract.
 */
export async function publishTestEvent<S extends EventSubject>(
  bus: Bus,
  subject: S,
  payload: EventPayload<S>,
  eventId: string = randomUUID(),
  meta: Omit<PublishMeta, 'eventId'> = {},
): Promise<string> {
  await ensureStreamOnce(bus, streamOf(subject));
  await publishEvent(bus, subject, payload, { ...meta, eventId });
  return eventId;
}

interface CollectedEventOf<S extends EventSubject> {
  subject: S;
  payload: EventPayload<S>;
  eventId: string;
  /** Every header of the message, e.g. headers['Event-Type'], headers['X-Request-Id']. */
  headers: Record<string, string>;
  /** Stream sequence: the order the stream stored the events in. */
  seq: number;
}

/** One recorded event; a union over subjects, so `if (e.subject === 'ticket.updated')` narrows the payload. */
export type CollectedEvent<S extends EventSubject = EventSubject> = { [K in S]: CollectedEventOf<K> }[S];

export interface EventCollector {
  /** Everything collected so far, in stream order. */
  readonly events: CollectedEvent[];
  /** Payloads of one subject, in stream order. */
  of<S extends EventSubject>(subject: S): EventPayload<S>[];
  /** Waits for an event of this subject matching the predicate (default: any) and returns it. */
  waitFor<S extends EventSubject>(subject: S, predicate?: (payload: EventPayload<S>) => boolean, opts?: WaitForOptions): Promise<CollectedEvent<S>>;
  /** Waits until at least n events (of the collected subjects) have arrived; returns them. */
  waitForCount(n: number, opts?: WaitForOptions): Promise<CollectedEvent[]>;
  stop(): Promise<void>;
}

/**
 * Records what is published on a stream (from its start, or only new events with `{ from: 'new' }`), for assertions
 * like "the service published ticket.updated with status reserved". Uses an ephemeral ordered consumer, so it never
 * takes messages from the service's durable consumers. Creates the stream if it does not exist yet.
 */
export async function collectEvents(
  bus: Bus,
  stream: StreamKey,
  subjects?: EventSubject[],
  opts: { from?: 'start' | 'new' } = {},
): Promise<EventCollector> {
  await ensureStreamOnce(bus, stream);
  const wanted = subjects ? new Set<string>(subjects) : undefined;
  const events: CollectedEvent[] = [];
  const consumer = await bus.js.consumers.get(bus.streamName(stream), {
    deliver_policy: opts.from === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
  });
  const messages: ConsumerMessages = await consumer.consume();
  const loop = (async () => {
    for await (const m of messages) {
      const subject = bus.eventSubjectOf(m.subject);
      if (!subject || (wanted && !wanted.has(subject))) continue;
      const headers: Record<string, string> = {};
      for (const k of m.headers?.keys() ?? []) headers[k] = m.headers!.get(k);
      events.push({ subject, payload: m.json(), eventId: headers[EventHeaders.EventId] ?? '', headers, seq: m.seq } as CollectedEvent);
    }
  })();

  return {
    events,
    of: <S extends EventSubject>(subject: S) => events.filter((e) => e.subject === subject).map((e) => e.payload as EventPayload<S>),
    waitFor: <S extends EventSubject>(subject: S, predicate: (payload: EventPayload<S>) => boolean = () => true, wopts?: WaitForOptions) =>
      waitFor(
        () => {
          const found = events.find((e) => e.subject === subject && predicate(e.payload as EventPayload<S>));
          return (found as CollectedEvent<S> | undefined) ?? false;
        },
        { description: `a ${subject} event on ${stream}`, ...wopts },
      ),
    waitForCount: (n, wopts) => waitFor(() => (events.length >= n ? [...events] : false), { description: `${n} events on ${stream}`, ...wopts }),
    stop: async () => {
      messages.stop();
      await loop.catch(() => undefined);
    },
  };
}
