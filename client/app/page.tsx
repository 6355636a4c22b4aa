import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { CategoryChips } from '@/components/category-chips';
import { EventList } from '@/components/event-list';
import { EventSearchForm } from '@/components/event-search-form';
import { categoryLabel, eventSearchFrom, eventView, isFiltered, searchQuery, type EventSearch } from '@/lib/events';
import { browseEvents, currentUser } from '@/lib/server-api';

const PAGE_SIZE = '12';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  // The root layout's title template applies to child segments only, so this page spells its titles out.
  const search = eventSearchFrom(await searchParams);
  if (search.q) return { title: { absolute: `“${search.q}” · Events · Ticketing` } };
  return { title: { absolute: 'Ticketing · Concerts, sports, theatre and more' } };
}

function resultsHeading(search: EventSearch): string {
  const what = search.category ? `${categoryLabel(search.category)} events` : 'Events';
  if (search.q) return `Results for “${search.q}”`;
  return search.city ? `${what} in ${search.city}` : isFiltered(search) ? what : 'Upcoming events';
}

/** Discovery: search by what, where and when; the catalogue's upcoming events, soonest first. */
export default async function HomePage({ searchParams }: Props) {
  const search = eventSearchFrom(await searchParams);
  const query = searchQuery(search, { limit: PAGE_SIZE });
  const [result, user] = await Promise.all([browseEvents(query), currentUser()]);
  const heading = resultsHeading(search);

  return (
    <>
      <section className="discover-hero">
        <h1>Find tickets for what’s on</h1>
        <p className="lead">Concerts, matches, shows and festivals. Every time is the venue’s own local time.</p>
        <EventSearchForm search={search} />
      </section>
      <CategoryChips search={search} />
      <section aria-labelledby="results-heading" className="results">
        <div className="results-head">
          <h2 id="results-heading">{heading}</h2>
          {isFiltered(search) && (
            <Link href="/" className="button button-ghost button-small">
              Clear search
            </Link>
          )}
        </div>
        {!result.ok ? (
          <ApiErrorPanel
            failure={result}
            title={result.status === 400 ? 'That search could not be run' : 'Events could not be loaded'}
            headingLevel={2}
            action={{ href: '/', label: result.status === 400 ? 'Start again' : 'Try again' }}
          />
        ) : result.data.events.length === 0 ? (
          <div className="empty">
            {isFiltered(search) ? (
              <>
                <p className="empty-title">No events match this search.</p>
                <p>Check the spelling, try fewer words, or widen the dates.</p>
              </>
            ) : (
              <p className="empty-title">No upcoming events yet.</p>
            )}
            {user?.roles.includes('admin') && (
              <Link href="/admin/events/new" className="button button-primary">
                Create an event
              </Link>
            )}
          </div>
        ) : (
          <EventList
            key={JSON.stringify(query)}
            initial={result.data.events.map((e) => eventView(e))}
            nextCursor={result.data.nextCursor}
            query={query}
            label={heading}
          />
        )}
      </section>
    </>
  );
}
