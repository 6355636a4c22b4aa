import type { ArtworkSize, ArtworkVersions } from '../data/artwork.data';

/**
 * The URL of each size of an event's artwork, carrying its version: a new image is a new URL, so each may be cached
 * for good. Paths on the API's origin (the gateway's), as every event.* and the API carry them.
 */
export function artworkUrls(eventId: string, versions: ArtworkVersions): Record<ArtworkSize, string> {
  const url = (size: ArtworkSize) => `/api/events/${eventId}/artwork/${size}?v=${versions[size]}`;
  return { card: url('card'), hero: url('hero') };
}
