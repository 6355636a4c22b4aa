import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What caused the work in progress: the HTTP request being served, or the event being handled. The outbox reads it
 * (writeOutbox), so an event carries its cause's request id and trace context without every domain function passing
 * them along. It is set in exactly two places: the HTTP request-context middleware and the consumer, around each
 * handler.
 */
export interface Causation {
  /** The request's x-request-id, or the X-Request-Id header of the event being handled. */
  requestId?: string;
  /** W3C trace context of the cause (only a valid one is kept). */
  traceparent?: string;
}

const causation = new AsyncLocalStorage<Causation>();

const TRACEPARENT_PATTERN = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A W3C traceparent of version 00 (what we generate and pass on); anything else is not carried. */
export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT_PATTERN.test(value);
}

/** Runs fn, and everything it starts asynchronously, with this cause; an invalid traceparent is dropped. */
export function runWithCausation<T>(cause: Causation, fn: () => T): T {
  const kept: Causation = {
    ...(cause.requestId && { requestId: cause.requestId }),
    ...(isTraceparent(cause.traceparent) && { traceparent: cause.traceparent }),
  };
  return causation.run(kept, fn);
}

/** The cause of the work in progress; undefined outside a request or a handler (timers, start-up, sweepers). */
export function currentCausation(): Causation | undefined {
  return causation.getStore();
}
