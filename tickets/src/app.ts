import type { Express } from 'express';
import { createServiceApp, databaseReadiness, type HealthOptions, type Logger, type Pool } from '@ticketing/common';
import { ticketsRouter } from './routes/tickets.routes';
import type { FirstPageCache } from './routes/first-page-cache';

export interface AppDeps {
  pool: Pool;
  logger: Logger;
  jwtPublicKey: string;
  production: boolean;
  /** Readiness as runService builds it; tests default to the database alone. */
  health?: HealthOptions;
  /** Serves the anonymous first page of the listing from memory for up to 250 ms (index.ts); none: always the database. */
  firstPageCache?: FirstPageCache;
}

/** The HTTP app without a listener: index.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  const app = createServiceApp({
    logger: deps.logger,
    jwtPublicKey: deps.jwtPublicKey,
    production: deps.production,
    health: deps.health ?? databaseReadiness(deps.pool),
    routes: ticketsRouter({ pool: deps.pool, firstPageCache: deps.firstPageCache }),
  });
  // Express hashes every body it sends to answer If-None-Match; no client of this JSON API sends it (docs/api.md has no
  // conditional requests), and on a 20-ticket page the hash is a visible share of the work.
  app.set('etag', false);
  return app;
}
