import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import pinoHttp from 'pino-http';
import { runWithCausation } from '../context/causation';
import type { Logger } from '../log/logger';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes the caller's x-request-id when it looks sane (so a trace spans the gateway and services), else mints one, and
 * runs the rest of the request with it (and the caller's traceparent, when valid) as the cause of whatever it writes:
 * the events it puts in the outbox carry them (causation.ts).
 */
export function requestContext(logger: Logger): RequestHandler {
  const logRequest = pinoHttp({
    logger,
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel(_req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'info';
      return 'debug';
    },
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/healthz') },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return (req, res, next) =>
    logRequest(req, res, () => runWithCausation({ requestId: String(req.id), traceparent: req.headers.traceparent as string | undefined }, next));
}
