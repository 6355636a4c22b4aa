import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { DateBadge, EventArtwork } from '@/components/event-artwork';
import { categoryLabel, countryName, eventView } from '@/lib/events';
import { currentUser, getEvent } from '@/lib/server-api';

type Props = { params: Promise<{ id: string }> };

/** Names longer than this are set smaller, so they fit in three lines rather than being cut. */
const LONG_NAME = 48;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const result = await getEvent((await params).id);
  if (!result.ok) return { title: 'Event' };
  const e = eventView(result.data);
  return {
    title: `${e.name} · ${e.venue.city}`,
    description: `${e.name} at ${e.venue.name}, ${e.venue.city}: ${e.display.when}.`,
  };
}

export default async function EventPage({ params }: Props) {
  const { id } = await params;
  const [result, user] = await Promise.all([getEvent(id), currentUser()]);
  if (!result.ok) {
    if (result.status === 404) notFound();
    return <ApiErrorPanel failure={result} title="This event could not be loaded" action={{ href: '/', label: 'Back to events' }} />;
  }
  const event = eventView(result.data);
  const { display, venue } = event;
  const cancelled = event.status === 'cancelled';
  const statusText = cancelled ? 'Cancelled' : display.over ? 'Over' : 'Scheduled';
  const isAdmin = user?.roles.includes('admin') ?? false;

  return (
    <article className={cancelled ? 'event-page event-page-cancelled' : 'event-page'}>
      <Link href="/" className="back-link">
        ← All events
      </Link>
      <EventArtwork event={event} size="hero">
        <div className="event-hero-text">
          <p className="event-hero-eyebrow">
            <span className="artwork-chip">{categoryLabel(event.category)}</span>
            {cancelled && <span className="artwork-chip artwork-chip-alert">Cancelled</span>}
            {!cancelled && display.over && <span className="artwork-chip">Over</span>}
          </p>
          <h1 className={event.name.length > LONG_NAME ? 'event-title event-title-long' : 'event-title'}>{event.name}</h1>
          <p className="event-hero-when">
            <time dateTime={event.startsAt}>{display.when}</time>
          </p>
          <p className="event-hero-place">
            {venue.name}, {venue.city}
          </p>
        </div>
        <DateBadge day={display.day} month={display.month} />
      </EventArtwork>

      {cancelled && (
        <div className="notice notice-danger" role="status">
          <p className="notice-title">This event has been cancelled.</p>
          <p>Its tickets can no longer be bought or sold. Anyone who paid for one is refunded.</p>
        </div>
      )}
      {!cancelled && display.over && (
        <div className="notice" role="status">
          <p className="notice-title">This event is over.</p>
          <p>It took place on {display.when}.</p>
        </div>
      )}

      <div className="event-layout">
        <section className="event-listings card" aria-labelledby="listings-heading">
          <h2 id="listings-heading">Tickets</h2>
          {cancelled || display.over ? (
            <div className="empty empty-compact">
              <p className="empty-title">{cancelled ? 'No tickets are sold for a cancelled event.' : 'Tickets are no longer sold for this event.'}</p>
              <Link href="/" className="button">
                Find another event
              </Link>
            </div>
          ) : event.summary.listings === 0 ? (
            <div className="empty empty-compact">
              <p className="empty-title">Listings for this event arrive soon.</p>
              <p>Fans will be able to offer their tickets for it here. Until then, resale tickets are listed by title.</p>
              <Link href="/tickets" className="button">
                See tickets for sale
              </Link>
            </div>
          ) : (
            <>
              <p className="event-availability">{display.availability}</p>
              <p>
                {event.summary.listings} {event.summary.listings === 1 ? 'listing' : 'listings'} on sale. Their details appear here shortly.
              </p>
            </>
          )}
        </section>

        <aside className="event-facts card" aria-labelledby="facts-heading">
          <h2 id="facts-heading">Event details</h2>
          <dl className="fact-list">
            <div>
              <dt>When</dt>
              <dd>
                <time dateTime={event.startsAt}>{display.when}</time>
                <span className="fact-note">Local time at the venue ({event.timeZone.replaceAll('_', ' ')})</span>
              </dd>
            </div>
            <div>
              <dt>Venue</dt>
              <dd>{venue.name}</dd>
            </div>
            <div>
              <dt>City</dt>
              <dd>{venue.city}</dd>
            </div>
            <div>
              <dt>Country</dt>
              <dd>{countryName(venue.country)}</dd>
            </div>
            <div>
              <dt>Category</dt>
              <dd>{categoryLabel(event.category)}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd className={cancelled ? 'fact-alert' : undefined}>{statusText}</dd>
            </div>
          </dl>
          {isAdmin && !cancelled && !display.over && (
            <Link href={`/admin/events/${event.id}/edit`} className="button button-block">
              Edit event
            </Link>
          )}
        </aside>
      </div>
    </article>
  );
}
