import { runService } from '@ticketing/common';
import { buildApp } from './app';
import { paymentsService } from './config';
import { startPaymentsSweeper } from './domain/payments-sweeper';
import { ordersConsumer } from './events/orders.consumer';
import { createGateway } from './gateways/create-gateway';
import { PAYMENTS_MIGRATIONS } from './migrations';

runService({
  identity: paymentsService,
  migrations: PAYMENTS_MIGRATIONS,
  streams: ['PAYMENTS', 'ORDERS'],
  compose: ({ config, pool, logger }) => {
    const gateway = createGateway(config, pool, logger);
    const sweep = {
      intervalMs: config.PAYMENTS_SWEEP_INTERVAL_SECONDS * 1000,
      staleAttemptMs: config.PAYMENTS_STALE_ATTEMPT_SECONDS * 1000,
    };
    const attemptLimits = {
      perOrder: config.PAYMENT_ATTEMPTS_PER_ORDER_PER_HOUR,
      perBuyer: config.PAYMENT_ATTEMPTS_PER_BUYER_PER_HOUR,
      windowSeconds: 3600,
    };
    return {
      consumers: [ordersConsumer({ pool, gateway, logger })],
      background: [{ name: 'payments sweeper', start: () => startPaymentsSweeper({ pool, gateway, logger, ...sweep }) }],
      http: (health) =>
        buildApp({ pool, logger, health, gateway, currency: config.PAYMENT_CURRENCY, attemptLimits, jwtPublicKey: config.JWT_PUBLIC_KEY, production: config.NODE_ENV === 'production' }),
      describe: { gateway: gateway.name, currency: config.PAYMENT_CURRENCY, attemptLimits },
    };
  },
});
