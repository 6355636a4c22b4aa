import { eventSchemas, type EventPayload, type EventSubject } from '../../events/contracts';
import type { Bus } from '../connection';
import { buildEventHeaders } from '../event-headers';

export interface PublishMeta {
  /** Becomes Nats-Msg-Id: JetStream drops a second publish of the same id within the duplicate window. */
  eventId: string;
  requestId?: string;
  /** W3C trace context of the cause; a new one is generated when absent. */
  traceparent?: string;
  /** Defaults to now. */
  occurredAt?: Date | string;
  /** How long to wait for the stream's acknowledgement (default 5 s). */
  timeoutMs?: number;
}

export interface PublishResult {
  /** The stream sequence the event was stored at (the original's, when duplicate). */
  seq: number;
  /** True when the stream already held this event id (a retry): nothing new was stored. */
  duplicate: boolean;
}

/** Thrown before anything is sent when a payload breaks its event contract. */
export class InvalidEventError extends Error {
  constructor(
    readonly subject: string,
    readonly issues: string,
  ) {
    super(`invalid ${subject} payload: ${issues}`);
    this.name = 'InvalidEventError';
  }
}

export function validateEvent<S extends EventSubject>(subject: S, payload: unknown): EventPayload<S> {
  const schema = eventSchemas[subject];
  if (!schema) throw new InvalidEventError(subject, 'unknown subject');
  const r = schema.safeParse(payload);
  if (!r.success) throw new InvalidEventError(subject, r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return r.data as EventPayload<S>;
}

/**
 * Publishes one event straight to JetStream and waits for the stream to store it. For publishers without a database
 * (expiration); services with a database use writeOutbox so the event commits with the change that caused it.
 * Retrying with the same eventId is safe: JetStream deduplicates on Nats-Msg-Id.
 */
export async function publishEvent<S extends EventSubject>(bus: Bus, subject: S, payload: EventPayload<S>, meta: PublishMeta): Promise<PublishResult> {
  const body = validateEvent(subject, payload);
  const ack = await bus.js.publish(bus.subject(subject), JSON.stringify(body), {
    msgID: meta.eventId,
    headers: buildEventHeaders({ eventId: meta.eventId, subject, occurredAt: meta.occurredAt ?? new Date(), requestId: meta.requestId, traceparent: meta.traceparent }),
    timeout: meta.timeoutMs ?? 5000,
  });
  return { seq: ack.seq, duplicate: ack.duplicate };
}
