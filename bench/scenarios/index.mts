import type { BenchContext, Metric } from '../lib/context.mjs';
import { expiry, expiryTickets } from './expiry.mjs';
import { listings } from './listings.mjs';
import { onsaleRace, onsaleTickets } from './onsale-race.mjs';
import { orderCreation, orderCreationTickets } from './order-creation.mjs';
import { overload, overloadTickets } from './overload.mjs';
import { propagation, propagationTickets } from './propagation.mjs';

export interface Scenario {
  name: string;
  run: (ctx: BenchContext) => Promise<Metric[]>;
  /** Unordered tickets it will use (given a guess of the saturation rate), so they are all listed in one go up front. */
  tickets: (quick: boolean, ordersPerSec: number) => number;
}

/**
 * In this order: listings first, on freshly listed tickets none of which has been ordered yet; propagation and
 * overload use the saturation rate that order creation measured.
 */
export const SCENARIOS: Scenario[] = [
  { name: 'listings', run: listings, tickets: () => 40 },
  { name: 'order-creation', run: orderCreation, tickets: orderCreationTickets },
  { name: 'onsale', run: onsaleRace, tickets: onsaleTickets },
  { name: 'propagation', run: propagation, tickets: propagationTickets },
  { name: 'expiry', run: expiry, tickets: expiryTickets },
  { name: 'overload', run: overload, tickets: overloadTickets },
];
