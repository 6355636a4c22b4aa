import { createServiceApp, databaseReadiness, type HealthOptions, type Logger, type Pool } from '@ticketing/common';
import type { Express } from 'express';
import { ordersRouter } from './routes/orders.routes';

export interface AppDeps {
  pool: Pool;
  logger: Logger;
  jwtPublicKey: string;
  /** ORDER_EXPIRATION_SECONDS: how long a new order holds its ticket. */
  orderExpirationSeconds: number;
  production?: boolean;
  /** Readiness as runService builds it; tests default to the database alone. */
  health?: HealthOptions;
}

/** The orders HTTP app, without listen(): index.ts serves it, tests drive it with supertest or a port-0 server. */
export function buildApp(deps: AppDeps): Express {
  return createServiceApp({
    logger: deps.logger,
    jwtPublicKey: deps.jwtPublicKey,
    production: deps.production ?? false,
    health: deps.health ?? databaseReadiness(deps.pool),
    routes: ordersRouter({ pool: deps.pool, holdSeconds: deps.orderExpirationSeconds }),
  });
}
