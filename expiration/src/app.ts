import express, { type Express } from 'express';
import { errorHandler, healthRouter, notFoundHandler, type HealthOptions, type Logger } from '@ticketing/common';

/**
 * Health only: expiration has no public routes and no sessions, so it does not use createServiceApp (which would
 * demand a JWT key it never uses). /healthz/live and /healthz/ready come from common's healthRouter.
 */
export function buildApp(deps: { logger: Logger; health: HealthOptions }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(deps.health));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
