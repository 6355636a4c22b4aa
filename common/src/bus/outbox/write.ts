import { randomUUID } from 'node:crypto';
import { currentCausation } from '../../context/causation';
import type { Queryable } from '../../db/pool';
import type { EventPayload, EventSubject } from '../../events/contracts';
import { aggregateKeyOf } from '../aggregate-key';
import { validateEvent } from './publish';

export interface OutboxMeta {
  /** Defaults to a new UUID; it becomes the message's Nats-Msg-Id, so JetStream drops a republished copy. */
  eventId?: string;
  /** Carried in headers so the consumer's logs share the request's id. Default: the current cause's (causation.ts). */
  requestId?: string;
  /** W3C trace context of the cause. Default: the current cause's; the relay generates one when there is none. */
  traceparent?: string;
}

/**
 * Records an event inside the caller's transaction. Nothing reaches NATS here: the relay publishes it after commit,
 * so an event exists if and only if the change that caused it committed. Throws InvalidEventError (and stores
 * nothing) if the payload breaks its contract, so the caller's transaction rolls back. The request id and trace
 * context come from the work in progress (the HTTP request, the event being handled: causation.ts) unless meta names them.
 */
export async function writeOutbox<S extends EventSubject>(tx: Queryable, subject: S, payload: EventPayload<S>, meta: OutboxMeta = {}): Promise<string> {
  const parsed = validateEvent(subject, payload) as Record<string, unknown>;
  const eventId = meta.eventId ?? randomUUID();
  const cause = currentCausation();
  const requestId = meta.requestId ?? cause?.requestId;
  const traceparent = meta.traceparent ?? cause?.traceparent;
  const headers = { ...(requestId && { requestId }), ...(traceparent && { traceparent }) };
  await tx.query('INSERT INTO outbox (event_id, subject, aggregate_key, payload, headers) VALUES ($1, $2, $3, $4, $5)', [
    eventId,
    subject,
    aggregateKeyOf(subject, parsed),
    JSON.stringify(parsed),
    JSON.stringify(headers),
  ]);
  return eventId;
}
