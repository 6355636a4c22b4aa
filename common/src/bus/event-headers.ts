import { randomBytes } from 'node:crypto';
import { headers, type MsgHdrs } from '@nats-io/transport-node';
import { isTraceparent } from '../context/causation';
import { EventHeaders, type EventSubject } from '../events/contracts';

export interface EventHeaderValues {
  eventId: string;
  subject: EventSubject;
  occurredAt: Date | string;
  requestId?: string;
  traceparent?: string;
}

/** A fresh W3C trace context (version 00, sampled), for events that start outside any traced request. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** The headers every event carries (docs/design.md "Events"); an invalid or missing traceparent is replaced by a new one. */
export function buildEventHeaders(v: EventHeaderValues): MsgHdrs {
  const h = headers();
  h.set(EventHeaders.EventId, v.eventId);
  h.set(EventHeaders.EventType, v.subject);
  h.set(EventHeaders.OccurredAt, typeof v.occurredAt === 'string' ? v.occurredAt : v.occurredAt.toISOString());
  h.set(EventHeaders.TraceParent, isTraceparent(v.traceparent) ? v.traceparent : newTraceparent());
  if (v.requestId) h.set(EventHeaders.RequestId, v.requestId);
  return h;
}

/** Reads a header, or undefined when absent or empty. */
export function headerOf(h: MsgHdrs | undefined, name: string): string | undefined {
  const v = h?.get(name);
  return v ? v : undefined;
}
