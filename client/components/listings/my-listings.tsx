'use client';

import type { ListingPage } from '@/lib/api-types';
import { listingWhen } from '@/lib/listings';
import { useCursorPages } from '@/lib/use-cursor-pages';
import { LoadMore } from '../load-more';
import { MyListing, type ShownListing } from './my-listing';

/** The seller's listings, newest first; the first page rendered by the server. */
export function MyListings({ initial, initialCursor, query, listedId }: { initial: ShownListing[]; initialCursor: string | null; query: Record<string, string>; listedId: string | null }) {
  const pages = useCursorPages<ListingPage, ShownListing>({
    initial,
    initialCursor,
    path: '/api/listings',
    query,
    itemsOf: (page) => page.listings.map((l) => ({ ...l, when: listingWhen(l) })),
  });
  return (
    <>
      <ul className="my-listings" aria-label="Your listings">
        {pages.items.map((listing) => (
          <MyListing key={listing.id} listing={listing} onChange={pages.update} highlight={listing.id === listedId} />
        ))}
      </ul>
      <LoadMore more={pages.more} busy={pages.busy} failure={pages.failure} label="More listings" />
    </>
  );
}
