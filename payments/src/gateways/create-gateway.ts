import type { Logger, Queryable } from '@ticketing/common';
import type { PaymentsConfig } from '../config';
import type { PaymentGateway } from './payment-gateway';
import { StripeGateway } from './stripe-gateway';
import { TestGateway } from './test-gateway';

/** Stripe when STRIPE_SECRET_KEY is set, else the offline test gateway (its ledger in this service's database). */
export function createGateway(config: PaymentsConfig, db: Queryable, logger: Logger): PaymentGateway {
  if (!config.STRIPE_SECRET_KEY) {
    logger.info('no STRIPE_SECRET_KEY: using the built-in test gateway (Stripe test tokens, nothing is really charged)');
    return new TestGateway(db);
  }
  logger.info({ host: config.STRIPE_API_HOST ?? 'api.stripe.com' }, 'charging through Stripe');
  return new StripeGateway({
    secretKey: config.STRIPE_SECRET_KEY,
    logger,
    host: config.STRIPE_API_HOST,
    port: config.STRIPE_API_PORT,
    protocol: config.STRIPE_API_PROTOCOL,
  });
}
