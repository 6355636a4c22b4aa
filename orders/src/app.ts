import { databaseServiceApp, type DatabaseAppDeps } from '@ticketing/common';
import type { Express } from 'express';
import { ordersRouter } from './routes/orders.routes';

export interface AppDeps extends DatabaseAppDeps {
  /** ORDER_EXPIRATION_SECONDS: how long a new order holds its ticket. */
  orderExpirationSeconds: number;
}

/** The orders HTTP app, without listen(): index.ts serves it, tests drive it with supertest or a port-0 server. */
export function buildApp(deps: AppDeps): Express {
  return databaseServiceApp(deps, ordersRouter({ pool: deps.pool, holdSeconds: deps.orderExpirationSeconds }));
}
