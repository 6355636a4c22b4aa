import { catalogEventsConsumer, runService } from '@ticketing/common';
import { buildApp } from './app';
import { ticketsService } from './config';
import { startDeliverySweeper } from './domain/delivery-sweeper';
import { onCatalogEventApplied } from './events/catalog-event-applied';
import { ordersConsumer } from './events/orders.consumer';
import { itemSecretsOf } from './items/item-secrets';
import { TICKETS_MIGRATIONS } from './migrations';

runService({
  identity: ticketsService,
  migrations: TICKETS_MIGRATIONS,
  // LISTINGS and DELIVERIES carry what tickets publishes; TICKETS stays for the old ticket.* events in it.
  streams: ['LISTINGS', 'DELIVERIES', 'TICKETS', 'ORDERS', 'EVENTS'],
  compose: ({ config, pool, logger }) => {
    const deliveryRules = { cutoffHours: config.DELIVERY_CUTOFF_HOURS };
    const sweepIntervalMs = config.DELIVERY_SWEEP_INTERVAL_SECONDS * 1000;
    return {
      consumers: [ordersConsumer(deliveryRules), catalogEventsConsumer({ then: onCatalogEventApplied(deliveryRules) })],
      background: [{ name: 'delivery sweeper', start: () => startDeliverySweeper({ pool, logger, intervalMs: sweepIntervalMs }) }],
      http: (health) =>
        buildApp({
          pool,
          logger,
          health,
          rules: { maxMarkupPercent: config.MAX_MARKUP_PERCENT },
          items: itemSecretsOf(config, logger),
          jwtPublicKey: config.JWT_PUBLIC_KEY,
          production: config.NODE_ENV === 'production',
        }),
      describe: { itemStore: config.ITEM_STORE, deliveryCutoffHours: config.DELIVERY_CUTOFF_HOURS },
    };
  },
});
