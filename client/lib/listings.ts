import { formatLocalTime } from '@ticketing/common/time';
import type { Listing } from './api-types';

/** The listing's event start at the venue, formatted once where the listing is fetched. */
export function listingWhen(listing: Listing): string | null {
  return listing.event ? formatLocalTime(listing.event.startsAt, listing.event.timeZone) : null;
}
