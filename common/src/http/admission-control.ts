import type { RequestHandler } from 'express';
import { ServiceUnavailableError } from '../errors/errors';
import type { Logger } from '../log/logger';

export interface AdmissionOptions {
  /** Requests handled at once; more would only wait for one of the pool's connections anyway. */
  maxInFlight?: number;
  /**
   * Requests waiting for a slot, first come first served. Sized to absorb a burst (an onsale: hundreds of buyers in
   * the same second) without refusing anyone.
   */
  maxQueued?: number;
  /**
   * Refuse arrivals while the oldest waiting request has waited longer than this: the queue's delay, measured, not
   * guessed. A burst arriving at once is all queued (the head has not waited yet); a sustained overload is not allowed
   * to make everyone wait longer than about this.
   */
  maxQueueWaitMs?: number;
  /** Retry-After on the 503. */
  retryAfterSeconds?: number;
  /** Where a summary of refused requests goes (at most one line per 10 s while refusing). */
  logger?: Logger;
}

/**
 * Sized so an onsale burst of 1,000+ buyers arriving within a second is served without a single refusal (the bench's
 * onsale race: 1,000 buyers for 100 pairs, most of them answered 409 at a glance once sold out), while a sustained
 * overload is refused once its queue's head has waited 5 s: the wait bound is the guard against overload, the depth
 * only against a flood arriving faster than that bound can notice (a queued request costs a closure and a socket).
 */
export const DEFAULT_ADMISSION = { maxInFlight: 64, maxQueued: 2048, maxQueueWaitMs: 5000, retryAfterSeconds: 1 } as const;

const SHED_LOG_INTERVAL_MS = 10_000;

/**
 * Admission control: at most maxInFlight requests in the handlers; beyond that, requests wait in a FIFO queue of at
 * most maxQueued, and only while its oldest has waited less than maxQueueWaitMs; anything else is answered 503 +
 * Retry-After at once. Without it an overload turns into an ever-growing queue in front of the database
 * pool: every request waits longer, and past the pool's connection timeout they start failing with 500s. With it the
 * service keeps serving at the rate it can, a refusal costs microseconds, and clients learn to come back.
 * Mounted before logging, body parsing and session checks, so a refusal does none of that work (and is not logged one
 * by one: a summary line every 10 s instead).
 */
export function admissionControl(opts: AdmissionOptions = {}): RequestHandler {
  const maxInFlight = opts.maxInFlight ?? DEFAULT_ADMISSION.maxInFlight;
  const maxQueued = opts.maxQueued ?? DEFAULT_ADMISSION.maxQueued;
  const retryAfter = String(opts.retryAfterSeconds ?? DEFAULT_ADMISSION.retryAfterSeconds);
  const maxQueueWaitMs = opts.maxQueueWaitMs ?? DEFAULT_ADMISSION.maxQueueWaitMs;
  let inFlight = 0;
  const queue: Array<{ admit: () => void; since: number }> = [];
  let refused = 0;
  let lastLogAt = 0;

  const noteRefusal = () => {
    refused++;
    const now = Date.now();
    if (opts.logger && now - lastLogAt >= SHED_LOG_INTERVAL_MS) {
      opts.logger.warn({ refused, inFlight, queued: queue.length, maxInFlight, maxQueued }, 'overloaded: refusing requests with 503');
      lastLogAt = now;
      refused = 0;
    }
  };

  return (_req, res, next) => {
    const admit = () => {
      inFlight++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        inFlight--;
        queue.shift()?.admit();
      };
      // 'finish': the response was handed to the OS; 'close': the connection ended first (client gone, socket error).
      res.once('finish', release);
      res.once('close', release);
      next();
    };
    if (inFlight < maxInFlight) return admit();
    const now = performance.now();
    if (queue.length >= maxQueued || (queue.length > 0 && now - queue[0]!.since > maxQueueWaitMs)) {
      noteRefusal();
      res.setHeader('Retry-After', retryAfter);
      return next(new ServiceUnavailableError('The service is busy; retry in a moment'));
    }
    const waiting = {
      since: now,
      admit: () => {
        res.off('close', gaveUp);
        admit();
      },
    };
    // A client that hangs up while queued gives its place up.
    const gaveUp = () => {
      const at = queue.indexOf(waiting);
      if (at >= 0) queue.splice(at, 1);
    };
    res.once('close', gaveUp);
    queue.push(waiting);
  };
}
