'use client';

import type { EventView } from '@/lib/events';
import { useEventPages } from '@/lib/use-cursor-pages';
import { EventCard } from './event-card';
import { LoadMore } from './load-more';

interface EventListProps {
  initial: EventView[];
  nextCursor: string | null;
  /** The API query the first page was fetched with, reused for every further page. */
  query: Record<string, string>;
  label: string;
}

export function EventList({ initial, nextCursor, query, label }: EventListProps) {
  const pages = useEventPages(initial, nextCursor, query);
  return (
    <>
      <ul className="event-grid" aria-label={label}>
        {pages.items.map((event) => (
          <EventCard key={event.id} event={event} />
        ))}
      </ul>
      <LoadMore more={pages.more} busy={pages.busy} failure={pages.failure} label="More events" />
    </>
  );
}
