import type { BenchContext, Metric } from '../lib/context.mjs';
import type { Shape } from '../lib/market.mjs';
import { expiry, expiryListings } from './expiry.mjs';
import { listings } from './listings.mjs';
import { onsaleListings, onsaleRace } from './onsale-race.mjs';
import { orderCreation, orderCreationListings } from './order-creation.mjs';
import { overload, overloadListings } from './overload.mjs';
import { propagation, propagationListings } from './propagation.mjs';

export interface Scenario {
  name: string;
  run: (ctx: BenchContext) => Promise<Metric[]>;
  /** Unordered listings of each shape it will use (given a guess of the saturation rate), all listed in one go up front. */
  listings: (quick: boolean, ordersPerSec: number) => Partial<Record<Shape, number>>;
}

/**
 * In this order: listings first, on fresh listings none of which has been ordered from yet; propagation and overload
 * use the saturation rate that order creation measured.
 */
export const SCENARIOS: Scenario[] = [
  { name: 'listings', run: listings, listings: () => ({ pair: 40 }) },
  { name: 'order-creation', run: orderCreation, listings: orderCreationListings },
  { name: 'onsale', run: onsaleRace, listings: onsaleListings },
  { name: 'propagation', run: propagation, listings: propagationListings },
  { name: 'expiry', run: expiry, listings: expiryListings },
  { name: 'overload', run: overload, listings: overloadListings },
];
