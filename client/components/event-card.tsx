import Link from 'next/link';
import type { EventView } from '@/lib/events';
import { categoryLabel } from '@/lib/events';
import { DateBadge, EventArtwork } from './event-artwork';

export function EventCard({ event }: { event: EventView }) {
  const { display, venue } = event;
  return (
    <li className="event-card">
      <EventArtwork event={event} size="card">
        <DateBadge day={display.day} month={display.month} />
        <span className="artwork-chip">{categoryLabel(event.category)}</span>
      </EventArtwork>
      <div className="event-card-body">
        <h3 className="event-card-title">
          <Link href={`/events/${event.id}`} className="event-card-link">
            {event.name}
          </Link>
        </h3>
        <p className="event-card-place">
          <span className="event-card-city">{venue.city}</span> · {venue.name}
        </p>
        <p className="event-card-when">
          <time dateTime={event.startsAt}>{display.when}</time>
        </p>
        <p className={event.summary.ticketsAvailable > 0 ? 'event-card-price' : 'event-card-price event-card-price-none'}>
          {display.availability}
        </p>
      </div>
    </li>
  );
}
