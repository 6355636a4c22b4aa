import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError, TooManyRequestsError } from '../errors/errors';
import type { Logger } from '../log/logger';

interface BodyParserError {
  type?: string;
  status?: number;
}

// Connection-level failures (node socket errors; PostgreSQL's admin shutdown / cannot connect / connection exception
// classes) as opposed to bugs. pg reports a lost or unobtainable connection with these messages and no code.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

export function isDependencyUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  // AggregateError (e.g. connecting to "localhost" tried ::1 and 127.0.0.1, both refused).
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => isDependencyUnavailable(x));
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new NotFoundError(`No route for ${req.method} ${req.path}`);
};

/** The single place errors become HTTP: known errors keep their status; anything else is a 500 without details. */
export function errorHandler(fallbackLogger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const log = (req as { log?: Logger }).log ?? fallbackLogger;
    const requestId = String((req as { id?: unknown }).id ?? res.getHeader('x-request-id') ?? '');
    if (res.headersSent) {
      log.error({ err }, 'error after the response started');
      res.destroy();
      return;
    }
    if (err instanceof AppError) {
      if (err instanceof TooManyRequestsError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      res.status(err.status).json({ errors: err.serialize() });
      return;
    }
    const parserError = err as BodyParserError;
    if (parserError.type === 'entity.parse.failed') {
      res.status(400).json({ errors: [{ message: 'Malformed JSON in the request body' }] });
      return;
    }
    if (parserError.type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: 'Request body too large' }] });
      return;
    }
    if (parserError.status && parserError.status >= 400 && parserError.status < 500 && parserError.type) {
      res.status(parserError.status).json({ errors: [{ message: 'Invalid request body' }] });
      return;
    }
    if (isDependencyUnavailable(err)) {
      // The database (or another dependency) is restarting or unreachable: a client can retry, nothing was stored.
      log.warn({ err, requestId }, 'dependency unavailable');
      res.setHeader('Retry-After', '1');
      res.status(503).json({ errors: [{ message: `Temporarily unavailable, try again shortly (request id ${requestId})` }], requestId });
      return;
    }
    log.error({ err, requestId }, 'unexpected error');
    res.status(500).json({ errors: [{ message: `Something went wrong. Quote request id ${requestId} when reporting this.` }], requestId });
  };
}
