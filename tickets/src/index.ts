import { runService } from '@ticketing/common';
import { buildApp } from './app';
import { ticketsService } from './config';
import { ordersConsumer } from './events/orders.consumer';
import { TICKETS_MIGRATIONS } from './migrations';
import { FirstPageCache } from './routes/first-page-cache';

runService({
  identity: ticketsService,
  migrations: TICKETS_MIGRATIONS,
  streams: ['TICKETS', 'ORDERS'],
  compose: ({ config, pool, logger }) => {
    const firstPageCache = new FirstPageCache();
    return {
      consumers: [ordersConsumer({ onTicketChange: () => firstPageCache.invalidate() })],
      http: (health) =>
        buildApp({ pool, logger, health, firstPageCache, jwtPublicKey: config.JWT_PUBLIC_KEY, production: config.NODE_ENV === 'production' }),
    };
  },
});
