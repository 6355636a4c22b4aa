import type { Express } from 'express';
import { databaseServiceApp, type DatabaseAppDeps } from '@ticketing/common';
import type { ListingRules } from './domain/listings.domain';
import type { ItemDeps } from './domain/ticket-items.domain';
import { ITEM_UPLOAD } from './routes/item-input';
import { listingsRouter } from './routes/listings.routes';
import { ticketItemsRouter } from './routes/ticket-items.routes';

export interface AppDeps extends DatabaseAppDeps {
  /** The price cap and other platform rules listings are checked against (config). */
  rules: ListingRules;
  /** Where ticket items rest and the secrets that seal them (config). */
  items: Omit<ItemDeps, 'pool' | 'logger'>;
}

/** The HTTP app without a listener: index.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  const items: ItemDeps = { ...deps.items, pool: deps.pool, logger: deps.logger };
  const app = databaseServiceApp(deps, [listingsRouter({ pool: deps.pool, rules: deps.rules }), ticketItemsRouter(items)], { bodyMediaTypes: [ITEM_UPLOAD] });
  // Express hashes every body it sends to answer If-None-Match; no client of this JSON API sends it (docs/api.md has no
  // conditional requests), and on a page of listings the hash is a visible share of the work.
  app.set('etag', false);
  return app;
}
