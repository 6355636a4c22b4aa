import type { JsMsg } from '@nats-io/jetstream';
import { runWithCausation } from '../../context/causation';
import type { Logger } from '../../log/logger';
import type { Pool } from '../../db/pool';
import { withTransaction } from '../../db/transaction';
import { EventHeaders, eventSchemas, type EventSubject } from '../../events/contracts';
import type { Bus } from '../connection';
import { headerOf } from '../event-headers';
import { aggregateKeyOf } from '../aggregate-key';
import { RetryLaterError, type EventContext, type TxEventContext } from './types';

/** An event taken off the wire, its payload valid against its contract. */
export interface DecodedEvent {
  subject: EventSubject;
  payload: Record<string, unknown>;
  eventId: string;
  requestId?: string;
  /** The cause's W3C trace context (the event's traceparent header). */
  traceparent?: string;
  /** Events with the same key are handled one after another, in arrival order. */
  key: string;
}

export type DecodeResult = { ok: true; event: DecodedEvent } | { ok: false; reason: string; unhandledButExpected?: boolean };

/**
 * Reads subject, event id and payload. Anything undecodable can never succeed, so the caller terminates it instead of
 * letting it be redelivered max_deliver times. `unhandledButExpected`: the consumer's filter is wider than its
 * handlers (servers before 2.10 allow one filter subject), so other events of the stream arrive and are skipped.
 */
export function decodeMessage(bus: Bus, msg: JsMsg, handled: ReadonlySet<string>, filterWiderThanHandlers: boolean): DecodeResult {
  const subject = bus.eventSubjectOf(msg.subject);
  if (!subject || !(subject in eventSchemas)) return { ok: false, reason: `unknown subject ${msg.subject}` };
  if (!handled.has(subject)) {
    return filterWiderThanHandlers ? { ok: false, reason: 'no handler', unhandledButExpected: true } : { ok: false, reason: `no handler for ${subject}` };
  }
  const eventId = headerOf(msg.headers, EventHeaders.EventId);
  if (!eventId || !/^[0-9a-f-]{36}$/i.test(eventId)) return { ok: false, reason: `missing or malformed ${EventHeaders.EventId} header` };
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(msg.data));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = eventSchemas[subject as EventSubject].safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, reason: `payload breaks the ${subject} contract: ${issues}` };
  }
  const payload = parsed.data as Record<string, unknown>;
  return {
    ok: true,
    event: {
      subject: subject as EventSubject,
      payload,
      eventId,
      requestId: headerOf(msg.headers, EventHeaders.RequestId),
      traceparent: headerOf(msg.headers, EventHeaders.TraceParent),
      key: aggregateKeyOf(subject as EventSubject, payload),
    },
  };
}

type AnyHandler<C> = (payload: never, ctx: C) => Promise<void>;

export interface ProcessSettings {
  service: string;
  maxDeliver: number;
  backoffMs: number[];
  logger: Logger;
  /** The planted ack-before-commit bug (ConsumerFaults), for the fault suite only. */
  ackBeforeCommit: boolean;
}

/**
 * Runs the handler and settles the message: ack only after the handler's work committed; a failure rolls back and
 * naks with a delay (never acks, never throws); the last allowed delivery failing is logged as an error and
 * terminated: the event stays in the stream, this consumer moves on.
 */
export async function processMessage(
  msg: JsMsg,
  event: DecodedEvent,
  settings: ProcessSettings,
  run: (ctx: EventContext) => Promise<'applied' | 'duplicate'>,
): Promise<void> {
  const ctx = eventContext(msg, event, settings);
  const { logger } = ctx;
  const started = performance.now();
  try {
    if (settings.ackBeforeCommit) msg.ack();
    const outcome = await asCausedBy(event, () => run(ctx));
    if (!settings.ackBeforeCommit) msg.ack();
    logger.debug({ ms: Math.round(performance.now() - started), outcome }, outcome === 'applied' ? 'event applied' : 'event already applied; acked');
  } catch (err) {
    settleFailure(msg, settings, logger, err);
  }
}

/** What a handler is told about the event it runs for, with a logger carrying the event's ids. */
export function eventContext(msg: JsMsg, event: DecodedEvent, settings: ProcessSettings): EventContext {
  const deliveryCount = msg.info.deliveryCount;
  const logger = settings.logger.child({ eventId: event.eventId, subject: event.subject, requestId: event.requestId, deliveryCount });
  return { eventId: event.eventId, subject: event.subject, deliveryCount, requestId: event.requestId, logger };
}

/** Runs a handler with the event as its cause, so the events it writes carry the event's request id and trace context. */
export function asCausedBy<T>(event: DecodedEvent, fn: () => Promise<T>): Promise<T> {
  return runWithCausation({ requestId: event.requestId, traceparent: event.traceparent }, fn);
}

/**
 * A failed delivery: nak with the back-off for its delivery count (or the RetryLaterError's delay), never ack; on the
 * last allowed delivery log an error and terminate (the event stays in the stream, this consumer moves on).
 */
export function settleFailure(msg: JsMsg, settings: ProcessSettings, logger: Logger, err: unknown): void {
  const deliveryCount = msg.info.deliveryCount;
  const retryLater = err instanceof RetryLaterError;
  if (deliveryCount >= settings.maxDeliver) {
    logger.error(
      { err, streamSeq: msg.seq, maxDeliver: settings.maxDeliver },
      'event failed on its last allowed delivery; giving up (it stays in the stream; replay it once the cause is fixed)',
    );
    msg.term(); // no reason text: servers before 2.11 ignore a +TERM carrying one
    return;
  }
  const table = settings.backoffMs;
  const delayMs = (retryLater ? err.delayMs : undefined) ?? table[Math.min(deliveryCount - 1, table.length - 1)] ?? 1000;
  if (retryLater) logger.info({ reason: err.message, retryInMs: delayMs }, 'event not applicable yet; redelivering later');
  else logger.warn({ err, retryInMs: delayMs }, 'event handler failed; rolled back, redelivering later');
  msg.nak(delayMs);
}

/** The transactional path: inbox row and handler's writes commit together, or neither does. */
export function inTransaction(pool: Pool, service: string, handler: AnyHandler<TxEventContext>, event: DecodedEvent) {
  return (ctx: EventContext): Promise<'applied' | 'duplicate'> =>
    withTransaction(
      pool,
      async (tx) => {
        const inserted = await tx.query('INSERT INTO inbox (consumer, event_id, subject) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          service,
          event.eventId,
          event.subject,
        ]);
        if (inserted.rowCount === 0) return 'duplicate';
        await handler(event.payload as never, { ...ctx, tx });
        return 'applied';
      },
      { commitIf: (outcome) => outcome === 'applied' },
    );
}

export function plain(handler: AnyHandler<EventContext>, event: DecodedEvent) {
  return async (ctx: EventContext): Promise<'applied'> => {
    await handler(event.payload as never, ctx);
    return 'applied';
  };
}
