import { createServiceApp, databaseReadiness, type HealthOptions, type Logger, type Pool } from '@ticketing/common';
import type { Express } from 'express';
import type { PaymentGateway } from './gateways/payment-gateway';
import { paymentsRouter } from './routes/payments.routes';

export interface AppDeps {
  pool: Pool;
  logger: Logger;
  jwtPublicKey: string;
  gateway: PaymentGateway;
  /** PAYMENT_CURRENCY (ISO 4217, lower case). */
  currency?: string;
  production?: boolean;
  /** Readiness as runService builds it; tests default to the database alone. */
  health?: HealthOptions;
  /** Tests only: the clock used for "past expiresAt". */
  now?: () => Date;
}

/** The payments HTTP app, without listen(): index.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  return createServiceApp({
    logger: deps.logger,
    jwtPublicKey: deps.jwtPublicKey,
    production: deps.production ?? false,
    health: deps.health ?? databaseReadiness(deps.pool),
    routes: paymentsRouter({ pool: deps.pool, gateway: deps.gateway, currency: deps.currency ?? 'usd', logger: deps.logger, now: deps.now }),
  });
}
