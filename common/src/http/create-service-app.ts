import express, { Router, type Express, type RequestHandler } from 'express';
import cookieSession from 'cookie-session';
import type { Logger } from '../log/logger';
import { UnsupportedMediaTypeError } from '../errors/errors';
import { requestContext } from './request-context';
import { currentUser } from './current-user';
import { errorHandler, notFoundHandler } from './error-handler';
import { healthRouter, type HealthOptions } from './health';
import { admissionControl, type AdmissionOptions } from './admission-control';

export const SESSION_COOKIE_NAME = 'session';
export const JSON_BODY_LIMIT = '100kb';
export const TRUSTED_PROXIES = 'loopback, linklocal, uniquelocal';

export interface ServiceAppOptions {
  logger: Logger;
  jwtPublicKey: string;
  production: boolean;
  health: HealthOptions;
  /**
   * Which hops in X-Forwarded-For to believe (Express "trust proxy"). The default trusts only private and loopback
   * addresses (the gateway, in-cluster proxies), so req.ip is the last address a proxy of ours saw, not whatever a
   * client wrote at the left of the header. `true` would let any client pick its own req.ip.
   */
  trustProxy?: string | number | boolean;
  /** Bounds on concurrent and queued requests (admission-control.ts); false turns it off. Default: DEFAULT_ADMISSION. */
  admission?: AdmissionOptions | false;
  /**
   * The routes whose body is not JSON (an upload), each with the media types it takes instead; the route parses that
   * body itself. Every other POST, PUT or PATCH with a body must be application/json (415 otherwise).
   */
  bodyMediaTypes?: RouteBodyMediaTypes[];
  /** Mounted after the common middleware and before the 404/error handlers. */
  routes: Router | RequestHandler | Array<Router | RequestHandler>;
}

export interface RouteBodyMediaTypes {
  method: 'POST' | 'PUT' | 'PATCH';
  /** An Express path, matched as the routes are (`/api/events/:id/artwork`). */
  path: string;
  /** What the route takes instead of JSON (`multipart/form-data`), as `req.is` matches them. */
  types: string[];
}

/**
 * Bodies are JSON unless the route is one of `routes`, which takes its own media types instead. The exceptions are
 * matched by an Express router, so a path means here what it means to the routes, and a request of another method to
 * the same path stays JSON-only.
 */
function requireBodyMediaType(routes: RouteBodyMediaTypes[]): RequestHandler[] {
  const accepted = new WeakMap<object, string[]>();
  const exceptions = Router();
  for (const route of routes) {
    const method = route.method.toLowerCase() as 'post' | 'put' | 'patch';
    exceptions[method](route.path, (req, _res, next) => {
      accepted.set(req, route.types);
      next();
    });
  }
  const check: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || !['POST', 'PUT', 'PATCH'].includes(req.method)) return next();
    const types = accepted.get(req);
    if (!types) {
      if (!req.is('application/json')) throw new UnsupportedMediaTypeError();
    } else if (!req.is(types)) {
      throw new UnsupportedMediaTypeError(`Send the body as ${types.join(' or ')}`);
    }
    next();
  };
  return routes.length ? [exceptions, check] : [check];
}

/**
 * Every service's Express app has the same skeleton: health, admission control, request id + logs, JSON, session, user,
 * routes, 404, errors. Health answers even when the service is saturated (probes must not be refused as load).
 */
export function createServiceApp(opts: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? TRUSTED_PROXIES);
  app.use(healthRouter(opts.health));
  if (opts.admission !== false) app.use(admissionControl({ logger: opts.logger, ...opts.admission }));
  app.use(requestContext(opts.logger));
  app.use(requireBodyMediaType(opts.bodyMediaTypes ?? []));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.use(
    cookieSession({
      name: SESSION_COOKIE_NAME,
      signed: false, // the JWT inside is what is signed
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.production,
    }),
  );
  app.use(currentUser(opts.jwtPublicKey));
  for (const r of Array.isArray(opts.routes) ? opts.routes : [opts.routes]) app.use(r);
  app.use(notFoundHandler);
  app.use(errorHandler(opts.logger));
  return app;
}
