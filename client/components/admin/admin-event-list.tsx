'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { categoryLabel, eventView, type EventView } from '@/lib/events';
import { useEventPages } from '@/lib/use-cursor-pages';
import { DateBadge, EventArtwork } from '../event-artwork';
import { LoadMore } from '../load-more';
import { CancelEventButton } from './cancel-event-button';

/** The admin's list: each upcoming event with Edit and Cancel; a cancelled one says so until the page is reloaded. */
export function AdminEventList({ initial, nextCursor, query }: { initial: EventView[]; nextCursor: string | null; query: Record<string, string> }) {
  const pages = useEventPages(initial, nextCursor, query);
  const [justCancelled, setJustCancelled] = useState<string | null>(null);
  return (
    <>
      <ul className="admin-rows" aria-label="Upcoming events">
        {pages.items.map((event) => (
          <li key={event.id} className={event.status === 'cancelled' ? 'admin-row admin-row-cancelled' : 'admin-row'}>
            <EventArtwork event={event} size="thumb">
              <DateBadge day={event.display.day} month={event.display.month} />
            </EventArtwork>
            <div className="admin-row-text">
              <Link href={`/events/${event.id}`} className="admin-row-title">
                {event.name}
              </Link>
              <span className="admin-row-meta">
                {categoryLabel(event.category)} · {event.venue.name}, {event.venue.city} · <time dateTime={event.startsAt}>{event.display.when}</time>
              </span>
            </div>
            <div className="admin-row-actions">
              {event.status === 'cancelled' ? (
                <CancelledBadge takeFocus={event.id === justCancelled} />
              ) : (
                <>
                  <Link href={`/admin/events/${event.id}/edit`} className="button button-small" aria-label={`Edit ${event.name}`}>
                    Edit
                  </Link>
                  <CancelEventButton
                    event={event}
                    onCancelled={(cancelled) => {
                      setJustCancelled(cancelled.id);
                      pages.update(eventView(cancelled));
                    }}
                  />
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      <LoadMore more={pages.more} busy={pages.busy} failure={pages.failure} label="More events" />
    </>
  );
}

/** Where the keyboard lands after cancelling (the buttons it was on are gone), announced as the row's new status. */
function CancelledBadge({ takeFocus }: { takeFocus: boolean }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (takeFocus) ref.current?.focus();
  }, [takeFocus]);
  return (
    <span ref={ref} className="badge badge-cancelled" role="status" tabIndex={-1}>
      Cancelled
    </span>
  );
}
