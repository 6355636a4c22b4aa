import type { ListingChangedEvent, TxEventContext } from '@ticketing/common';
import { applyListingChanged } from '../domain/listings-replica';

/** listing.changed → the listings replica keeps the newest snapshot; older or repeated ones change nothing. */
export async function onListingChanged(payload: ListingChangedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyListingChanged(ctx.tx, payload);
  ctx.logger.debug({ listingId: payload.id, version: payload.version, outcome }, 'listing.changed handled');
}
