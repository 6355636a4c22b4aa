import type { ListingChangedEvent, TxEventContext } from '@ticketing/common';
import { applyListingChanged } from '../domain/listing-summaries';

/** listing.changed → the summary read model (newest version wins; a stale or repeated one is acknowledged, unused). */
export async function onListingChanged(payload: ListingChangedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyListingChanged(ctx.tx, payload);
  ctx.logger.debug({ listingId: payload.id, eventId: payload.eventId, version: payload.version, outcome }, 'listing.changed handled');
}
