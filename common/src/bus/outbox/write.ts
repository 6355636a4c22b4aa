import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/pool';
import type { EventPayload, EventSubject } from '../../events/contracts';
import { aggregateKeyOf } from '../aggregate-key';
import { validateEvent } from './publish';

export interface OutboxMeta {
  /** Defaults to a new UUID; it becomes the message's Nats-Msg-Id, so JetStream drops a republished copy. */
  eventId?: string;
  /** Carried in headers so the consumer's logs share the request's id. */
  requestId?: string;
  /** W3C trace context of the request that caused the event; the relay generates one when absent. */
  traceparent?: string;
}

/**
 * Records an event inside the caller's transaction. Nothing reaches NATS here: the relay publishes it after commit,
 * so an event exists if and only if the change that caused it committed. Throws InvalidEventError (and stores
 * nothing) if the payload breaks its contract, so the caller's transaction rolls back.
 */
export async function writeOutbox<S extends EventSubject>(tx: Queryable, subject: S, payload: EventPayload<S>, meta: OutboxMeta = {}): Promise<string> {
  const parsed = validateEvent(subject, payload) as Record<string, unknown>;
  const eventId = meta.eventId ?? randomUUID();
  const headers = { ...(meta.requestId && { requestId: meta.requestId }), ...(meta.traceparent && { traceparent: meta.traceparent }) };
  await tx.query('INSERT INTO outbox (event_id, subject, aggregate_key, payload, headers) VALUES ($1, $2, $3, $4, $5)', [
    eventId,
    subject,
    aggregateKeyOf(subject, parsed),
    JSON.stringify(parsed),
    JSON.stringify(headers),
  ]);
  return eventId;
}
