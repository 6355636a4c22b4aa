import type { Metadata } from 'next';
import Link from 'next/link';
import { AdminEventList } from '@/components/admin/admin-event-list';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { SearchBox } from '@/components/search-box';
import { eventView } from '@/lib/events';
import { searchParam } from '@/lib/format';
import { adminPageTitle, browseEvents, requireAdmin } from '@/lib/server-api';

export const generateMetadata = (): Promise<Metadata> => adminPageTitle('Events');

const PAGE_SIZE = '20';

export default async function AdminEventsPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await requireAdmin('/admin/events');
  const q = searchParam((await searchParams).q);
  const query: Record<string, string> = q ? { q, limit: PAGE_SIZE } : { limit: PAGE_SIZE };
  const result = await browseEvents(query);

  return (
    <>
      <div className="page-head">
        <div>
          <p className="eyebrow">Admin</p>
          <h1>Events</h1>
          <p className="muted">Upcoming events, soonest first. Cancelled and past events leave this list; their pages stay.</p>
        </div>
        <Link href="/admin/events/new" className="button button-primary">
          New event
        </Link>
      </div>
      <div className="admin-search">
        <SearchBox action="/admin/events" label="Search events" placeholder="Name, venue or city" q={q} />
      </div>
      {!result.ok ? (
        <ApiErrorPanel failure={result} title="Events could not be loaded" headingLevel={2} action={{ href: '/admin/events', label: 'Try again' }} />
      ) : result.data.events.length === 0 ? (
        <div className="empty">
          <p className="empty-title">{q ? `No upcoming events match “${q}”.` : 'No upcoming events.'}</p>
          <Link href="/admin/events/new" className="button button-primary">
            Create an event
          </Link>
        </div>
      ) : (
        <AdminEventList key={q} initial={result.data.events.map((e) => eventView(e))} nextCursor={result.data.nextCursor} query={query} />
      )}
    </>
  );
}
