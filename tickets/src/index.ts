import { catalogEventsConsumer, runService } from '@ticketing/common';
import { buildApp } from './app';
import { ticketsService } from './config';
import { ordersConsumer } from './events/orders.consumer';
import { TICKETS_MIGRATIONS } from './migrations';

runService({
  identity: ticketsService,
  migrations: TICKETS_MIGRATIONS,
  // LISTINGS carries what tickets publishes; TICKETS stays for the ticket.* events of issue 17 (and the old ones in it).
  streams: ['LISTINGS', 'TICKETS', 'ORDERS', 'EVENTS'],
  compose: ({ config, pool, logger }) => ({
    consumers: [ordersConsumer(), catalogEventsConsumer()],
    http: (health) =>
      buildApp({
        pool,
        logger,
        health,
        rules: { maxMarkupPercent: config.MAX_MARKUP_PERCENT },
        jwtPublicKey: config.JWT_PUBLIC_KEY,
        production: config.NODE_ENV === 'production',
      }),
  }),
});
