'use client';

import { useState } from 'react';
import type { FeeTerms, Listing, ListingPage } from '@/lib/api-types';
import { useCursorPages } from '@/lib/use-cursor-pages';
import { LoadMore } from '../load-more';
import { ListingOffer } from './listing-offer';

interface EventListingsProps {
  initial: ListingPage;
  /** The query the first page was fetched with (eventId, quantity, limit), reused for every further page. */
  query: Record<string, string>;
  fees: FeeTerms | null;
  userId: string | null;
  wanted: number | null;
  signInHref: string;
}

/** The event's listings, cheapest first; the first page from the server, "More listings" from the browser. */
export function EventListings({ initial, query, fees, userId, wanted, signInHref }: EventListingsProps) {
  const pages = useCursorPages<ListingPage, Listing>({
    initial: initial.listings,
    initialCursor: initial.nextCursor,
    path: '/api/listings',
    query,
    itemsOf: (page) => page.listings,
  });
  // After router.refresh() (a lost race, say) the server's fresh first page wins; pages loaded since stay below it.
  const [firstPageSize] = useState(initial.listings.length);
  const fresh = new Set(initial.listings.map((l) => l.id));
  const shown = [...initial.listings, ...pages.items.slice(firstPageSize).filter((l) => !fresh.has(l.id))];
  return (
    <>
      <ul className="offers" aria-label="Listings, cheapest first">
        {shown.map((listing) => (
          <ListingOffer
            key={listing.id}
            listing={listing}
            fees={fees}
            wanted={wanted}
            signInHref={signInHref}
            viewer={!userId ? { kind: 'anonymous' } : userId === listing.sellerId ? { kind: 'seller' } : { kind: 'buyer' }}
          />
        ))}
      </ul>
      <LoadMore more={pages.more} busy={pages.busy} failure={pages.failure} label="More listings" />
    </>
  );
}
