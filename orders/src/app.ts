import { databaseServiceApp, type DatabaseAppDeps } from '@ticketing/common';
import type { Express } from 'express';
import type { OrderRules } from './config';
import { ordersRouter } from './routes/orders.routes';

export interface AppDeps extends DatabaseAppDeps {
  /** Hold time, fees and fair holds, from the configuration (config.ts orderRulesFrom). */
  rules: OrderRules;
}

/** The orders HTTP app, without listen(): index.ts serves it, tests drive it with supertest or a port-0 server. */
export function buildApp(deps: AppDeps): Express {
  return databaseServiceApp(deps, ordersRouter({ pool: deps.pool, rules: deps.rules }));
}
