import Link from 'next/link';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { TicketList } from '@/components/ticket-list';
import type { TicketPage } from '@/lib/api-types';
import { searchParam } from '@/lib/format';
import { serverGet } from '@/lib/server-api';

const PAGE_SIZE = '12';

export default async function HomePage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const q = searchParam((await searchParams).q);
  const query: Record<string, string> = q ? { q, limit: PAGE_SIZE } : { limit: PAGE_SIZE };
  const result = await serverGet<TicketPage>('tickets', `/api/tickets?${new URLSearchParams(query)}`);

  return (
    <>
      <section className="hero">
        <h1>Tickets for sale</h1>
        <p className="lead">Concerts, sports, theatre. A ticket you start buying is held for you until you pay.</p>
        <form role="search" action="/" className="search">
          <label htmlFor="search-q" className="visually-hidden">
            Search tickets by title
          </label>
          <input id="search-q" name="q" type="search" defaultValue={q} placeholder="Search by title" maxLength={200} />
          <button type="submit" className="button button-primary">
            Search
          </button>
          {q && (
            <Link href="/" className="button button-ghost">
              Clear
            </Link>
          )}
        </form>
      </section>
      {!result.ok ? (
        <ApiErrorPanel
          failure={result}
          title="Tickets could not be loaded"
          headingLevel={2}
          action={{ href: q ? `/?q=${encodeURIComponent(q)}` : '/', label: 'Try again' }}
        />
      ) : result.data.tickets.length === 0 ? (
        <div className="empty">
          <p>{q ? `No tickets match “${q}”.` : 'No tickets for sale right now.'}</p>
          <Link href="/sell" className="button button-primary">
            Sell a ticket
          </Link>
        </div>
      ) : (
        <TicketList key={q} initial={result.data} query={query} label={q ? `Tickets matching ${q}` : 'Available tickets'} />
      )}
    </>
  );
}
