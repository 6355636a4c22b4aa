import type { Express } from 'express';
import type { Pool } from '../db/pool';
import type { Logger } from '../log/logger';
import { createServiceApp, type ServiceAppOptions } from './create-service-app';
import { databaseReadiness, type HealthOptions } from './health';

/** What every service with a database gives its buildApp, besides its own dependencies. */
export interface DatabaseAppDeps {
  pool: Pool;
  logger: Logger;
  jwtPublicKey: string;
  production?: boolean;
  /** Readiness as runService builds it; tests default to the database alone. */
  health?: HealthOptions;
}

/** createServiceApp for a service whose readiness is its database, with the routes it serves. */
export function databaseServiceApp(
  deps: DatabaseAppDeps,
  routes: ServiceAppOptions['routes'],
  more: Pick<ServiceAppOptions, 'bodyMediaTypes'> = {},
): Express {
  return createServiceApp({
    ...more,
    logger: deps.logger,
    jwtPublicKey: deps.jwtPublicKey,
    production: deps.production ?? false,
    health: deps.health ?? databaseReadiness(deps.pool),
    routes,
  });
}
