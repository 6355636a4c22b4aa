import type { Express } from 'express';
import { databaseServiceApp, type DatabaseAppDeps } from '@ticketing/common';
import { ticketsRouter } from './routes/tickets.routes';
import type { FirstPageCache } from './routes/first-page-cache';

export interface AppDeps extends DatabaseAppDeps {
  /** Serves the anonymous first page of the listing from memory for up to 250 ms (index.ts); none: always the database. */
  firstPageCache?: FirstPageCache;
}

/** The HTTP app without a listener: index.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  const app = databaseServiceApp(deps, ticketsRouter({ pool: deps.pool, firstPageCache: deps.firstPageCache }));
  // Express hashes every body it sends to answer If-None-Match; no client of this JSON API sends it (docs/api.md has no
  // conditional requests), and on a 20-ticket page the hash is a visible share of the work.
  app.set('etag', false);
  return app;
}
