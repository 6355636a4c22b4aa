import { databaseServiceApp, type DatabaseAppDeps } from '@ticketing/common';
import type { Express } from 'express';
import { ARTWORK_UPLOAD, artworkRouter } from './routes/artwork.routes';
import { eventsRouter } from './routes/events.routes';

export type AppDeps = DatabaseAppDeps;

/** The catalog HTTP app, without listen(): index.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  // The artwork upload is the one body that is not JSON (multipart/form-data).
  return databaseServiceApp(deps, [eventsRouter({ pool: deps.pool }), artworkRouter({ pool: deps.pool })], { bodyMediaTypes: [ARTWORK_UPLOAD] });
}
