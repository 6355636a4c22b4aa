import { runService } from '@ticketing/common';
import { buildApp } from './app';
import { orderRulesFrom, ordersService } from './config';
import { ORDERS_CONSUMERS, ORDERS_STREAMS } from './events/consumers';
import { ORDERS_MIGRATIONS } from './migrations';

runService({
  identity: ordersService,
  migrations: ORDERS_MIGRATIONS,
  streams: ORDERS_STREAMS,
  compose: ({ config, pool, logger }) => ({
    consumers: ORDERS_CONSUMERS,
    http: (health) =>
      buildApp({
        pool,
        logger,
        health,
        jwtPublicKey: config.JWT_PUBLIC_KEY,
        rules: orderRulesFrom(config),
        production: config.NODE_ENV === 'production',
      }),
    describe: { ...orderRulesFrom(config) },
  }),
});
