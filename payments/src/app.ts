import { databaseServiceApp, type DatabaseAppDeps } from '@ticketing/common';
import type { Express } from 'express';
import type { AttemptLimits } from './domain/attempt-limits';
import type { PaymentGateway } from './gateways/payment-gateway';
import { paymentsRouter } from './routes/payments.routes';

export interface AppDeps extends DatabaseAppDeps {
  gateway: PaymentGateway;
  /** PAYMENT_CURRENCY (ISO 4217, lower case). */
  currency?: string;
  /** PAYMENT_ATTEMPTS_PER_ORDER_PER_HOUR / _PER_BUYER_PER_HOUR (default 5 / 20). */
  attemptLimits?: AttemptLimits;
  /** Tests only: the clock used for "past expiresAt". */
  now?: () => Date;
}

/** The payments HTTP app, without listen(): index.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  return databaseServiceApp(deps, paymentsRouter({ pool: deps.pool, gateway: deps.gateway, currency: deps.currency ?? 'usd', logger: deps.logger, attemptLimits: deps.attemptLimits, now: deps.now }));
}
