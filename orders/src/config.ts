import { configFields, defineService, type ServiceConfig } from '@ticketing/common';

/** Who orders is and every variable it reads (docs/services/orders.md). */
export const ordersService = defineService({
  name: 'orders',
  port: 3003,
  uses: { database: true, bus: true, sessions: true },
  config: {
    /** How long a new order holds its ticket (docs/design.md invariant 2). */
    ORDER_EXPIRATION_SECONDS: configFields.seconds(900),
  },
});

export const configSchema = ordersService.configSchema;
export type OrdersConfig = ServiceConfig<typeof ordersService>;
