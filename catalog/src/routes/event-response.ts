import { centsToPrice } from '@ticketing/common';
import { eventPayloadOf } from '../domain/catalog-events';
import type { EventWithSummary } from '../domain/events';

/** docs/api.md "catalog": an event as its events carry it, with the summary of its listings on sale. */
export function toEventResponse(e: EventWithSummary) {
  return {
    ...eventPayloadOf(e),
    summary: {
      listings: e.listings,
      ticketsAvailable: e.ticketsAvailable,
      minPrice: e.minPriceCents === null ? null : centsToPrice(e.minPriceCents),
    },
  };
}
