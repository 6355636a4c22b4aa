import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError, TooManyRequestsError } from '../errors/errors';
import type { Logger } from '../log/logger';

interface BodyParserError {
  type?: string;
  status?: number;
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
    log.error({ err, requestId }, 'unexpected error');
    res.status(500).json({ errors: [{ message: `Something went wrong. Quote request id ${requestId} when reporting this.` }], requestId });
  };
}
