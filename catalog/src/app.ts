import { createServiceApp, databaseReadiness, type HealthOptions, type Logger, type Pool } from '@ticketing/common';
import type { Express } from 'express';
import { ARTWORK_UPLOAD, artworkRouter } from './routes/artwork.routes';
import { eventsRouter } from './routes/events.routes';

export interface AppDeps {
  pool: Pool;
  logger: Logger;
  jwtPublicKey: string;
  production?: boolean;
  /** Readiness as runService builds it; tests default to the database alone. */
  health?: HealthOptions;
}

/** The catalog HTTP app, without listen(): index.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  return createServiceApp({
    logger: deps.logger,
    jwtPublicKey: deps.jwtPublicKey,
    production: deps.production ?? false,
    health: deps.health ?? databaseReadiness(deps.pool),
    bodyMediaTypes: [ARTWORK_UPLOAD],
    routes: [eventsRouter({ pool: deps.pool }), artworkRouter({ pool: deps.pool })],
  });
}
