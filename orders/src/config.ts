import { z } from 'zod';
import { configFields, defineService, type ServiceConfig } from '@ticketing/common';

const count = (fallback: number) => z.coerce.number({ error: 'a whole number' }).int().positive().default(fallback);

/** Who orders is and every variable it reads (docs/services/orders.md). */
export const ordersService = defineService({
  name: 'orders',
  port: 3003,
  uses: { database: true, bus: true, sessions: true },
  config: {
    /** How long a new order holds its tickets (docs/design.md invariant 3). */
    ORDER_EXPIRATION_SECONDS: configFields.seconds(900),
    /** Percent of the subtotal the buyer pays on top, fixed in each order when it is created. */
    BUYER_FEE_PERCENT: configFields.percent(10),
    /** Percent of the subtotal kept from the seller's share, fixed in each order when it is created. */
    SELLER_FEE_PERCENT: configFields.percent(5),
    /** Fair holds: the most tickets one buyer may hold at once, across all their unpaid orders. */
    MAX_HELD_TICKETS_PER_BUYER: count(8),
    /** Fair holds: this many holds of one listing let lapse or cancelled within the window start a cooldown... */
    HOLD_RELEASES_BEFORE_COOLDOWN: count(2),
    HOLD_RELEASE_WINDOW_SECONDS: configFields.seconds(3600),
    /** ...during which the buyer cannot hold that listing again, counted from the last release. */
    HOLD_COOLDOWN_SECONDS: configFields.seconds(600),
    /**
     * A `later` listing stops selling this many hours before its event starts: the sellers' delivery deadline
     * (tickets reads the same variable). Decimals allowed, so tests can bring it down to seconds.
     */
    DELIVERY_CUTOFF_HOURS: z.coerce.number({ error: 'a number of hours' }).positive('must be a positive number of hours').finite().default(24),
  },
});

export const configSchema = ordersService.configSchema;
export type OrdersConfig = ServiceConfig<typeof ordersService>;

/** The rules an order is placed under, from the configuration (the app and tests build it). */
export interface OrderRules {
  holdSeconds: number;
  fees: { buyerFeePercent: number; sellerFeePercent: number };
  fairHolds: FairHoldRules;
  /** Hours before the event when a `later` listing stops selling (its orders' delivery deadline). */
  deliveryCutoffHours: number;
}

export interface FairHoldRules {
  maxHeldTickets: number;
  releasesBeforeCooldown: number;
  releaseWindowSeconds: number;
  cooldownSeconds: number;
}

export function orderRulesFrom(config: Pick<
  OrdersConfig,
  | 'ORDER_EXPIRATION_SECONDS'
  | 'BUYER_FEE_PERCENT'
  | 'SELLER_FEE_PERCENT'
  | 'MAX_HELD_TICKETS_PER_BUYER'
  | 'HOLD_RELEASES_BEFORE_COOLDOWN'
  | 'HOLD_RELEASE_WINDOW_SECONDS'
  | 'HOLD_COOLDOWN_SECONDS'
  | 'DELIVERY_CUTOFF_HOURS'
>): OrderRules {
  return {
    holdSeconds: config.ORDER_EXPIRATION_SECONDS,
    fees: { buyerFeePercent: config.BUYER_FEE_PERCENT, sellerFeePercent: config.SELLER_FEE_PERCENT },
    fairHolds: {
      maxHeldTickets: config.MAX_HELD_TICKETS_PER_BUYER,
      releasesBeforeCooldown: config.HOLD_RELEASES_BEFORE_COOLDOWN,
      releaseWindowSeconds: config.HOLD_RELEASE_WINDOW_SECONDS,
      cooldownSeconds: config.HOLD_COOLDOWN_SECONDS,
    },
    deliveryCutoffHours: config.DELIVERY_CUTOFF_HOURS,
  };
}

/** The defaults, as the configuration gives them with nothing set (tests start from these). */
export const DEFAULT_ORDER_RULES: OrderRules = orderRulesFrom({
  ORDER_EXPIRATION_SECONDS: 900,
  BUYER_FEE_PERCENT: 10,
  SELLER_FEE_PERCENT: 5,
  MAX_HELD_TICKETS_PER_BUYER: 8,
  HOLD_RELEASES_BEFORE_COOLDOWN: 2,
  HOLD_RELEASE_WINDOW_SECONDS: 3600,
  HOLD_COOLDOWN_SECONDS: 600,
  DELIVERY_CUTOFF_HOURS: 24,
});
