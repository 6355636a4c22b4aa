import { runService } from '@ticketing/common';
import { buildApp } from './app';
import { catalogService } from './config';
import { CATALOG_CONSUMERS, CATALOG_STREAMS } from './events/consumers';
import { CATALOG_MIGRATIONS } from './migrations';

runService({
  identity: catalogService,
  migrations: CATALOG_MIGRATIONS,
  streams: CATALOG_STREAMS,
  compose: ({ config, pool, logger }) => ({
    consumers: CATALOG_CONSUMERS,
    http: (health) => buildApp({ pool, logger, health, jwtPublicKey: config.JWT_PUBLIC_KEY, production: config.NODE_ENV === 'production' }),
  }),
});
