import type { Express } from 'express';
import { databaseServiceApp, type DatabaseAppDeps } from '@ticketing/common';
import type { ListingRules } from './domain/listings.domain';
import { listingsRouter } from './routes/listings.routes';

export interface AppDeps extends DatabaseAppDeps {
  /** The price cap and other platform rules listings are checked against (config). */
  rules: ListingRules;
}

/** The HTTP app without a listener: index.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  const app = databaseServiceApp(deps, listingsRouter({ pool: deps.pool, rules: deps.rules }));
  // Express hashes every body it sends to answer If-None-Match; no client of this JSON API sends it (docs/api.md has no
  // conditional requests), and on a page of listings the hash is a visible share of the work.
  app.set('etag', false);
  return app;
}
