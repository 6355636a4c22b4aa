import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { DateBadge, EventArtwork } from '@/components/event-artwork';
import { EventListings } from '@/components/listings/event-listings';
import { QuantityFilter } from '@/components/listings/quantity-filter';
import type { ApiResult, FeeTerms, ListingPage } from '@/lib/api-types';
import { categoryLabel, countryName, eventView } from '@/lib/events';
import { searchParam } from '@/lib/format';
import { currentUser, feeTerms, findListings, getEvent } from '@/lib/server-api';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const PAGE_SIZE = '20';

/** ?quantity= as the listings API takes it (1–100), or null for any number. */
function wantedQuantity(text: string): number | null {
  const n = Number(text);
  return /^\d+$/.test(text) && n >= 1 && n <= 100 ? n : null;
}

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

export default async function EventPage({ params, searchParams }: Props) {
  const { id } = await params;
  const wanted = wantedQuantity(searchParam((await searchParams).quantity));
  const query: Record<string, string> = wanted === null ? { eventId: id, limit: PAGE_SIZE } : { eventId: id, quantity: String(wanted), limit: PAGE_SIZE };
  const [result, user, listings, fees] = await Promise.all([getEvent(id), currentUser(), findListings(query), feeTerms()]);
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
          ) : (
            <Offers eventId={event.id} listings={listings} query={query} wanted={wanted} fees={fees.ok ? fees.data : null} userId={user?.id ?? null} />
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

interface OffersProps {
  eventId: string;
  listings: ApiResult<ListingPage>;
  query: Record<string, string>;
  wanted: number | null;
  fees: FeeTerms | null;
  userId: string | null;
}

/** The listings area of an event on sale: the quantity filter, then its listings cheapest first, or why there are none. */
function Offers({ eventId, listings, query, wanted, fees, userId }: OffersProps) {
  const here = wanted === null ? `/events/${eventId}` : `/events/${eventId}?quantity=${wanted}`;
  if (!listings.ok) return <ApiErrorPanel failure={listings} title="Listings could not be loaded" headingLevel={2} action={{ href: here, label: 'Try again' }} />;
  const none = listings.data.listings.length === 0;
  return (
    <>
      <QuantityFilter key={wanted ?? 0} eventId={eventId} quantity={wanted} />
      {none ? (
        <div className="empty empty-compact">
          {wanted === null ? (
            <>
              <p className="empty-title">No tickets on sale for this event yet.</p>
              <p>Got tickets you can’t use? List them here for fans of this event.</p>
            </>
          ) : (
            <>
              <p className="empty-title">No listing can sell {wanted} tickets together right now.</p>
              <p>
                Try fewer, or <Link href={`/events/${eventId}`}>see every listing</Link>.
              </p>
            </>
          )}
          <Link href={`/sell?eventId=${eventId}`} className="button">
            Sell tickets for this event
          </Link>
        </div>
      ) : (
        <>
          <EventListings key={here} initial={listings.data} query={query} fees={fees} userId={userId} wanted={wanted} signInHref={`/signin?next=${encodeURIComponent(here)}`} />
          {!fees && <p className="muted small">The service fee could not be loaded just now; checkout shows it before you pay.</p>}
        </>
      )}
    </>
  );
}
