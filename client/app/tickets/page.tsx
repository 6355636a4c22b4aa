import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { SearchBox } from '@/components/search-box';
import { TicketList } from '@/components/ticket-list';
import type { TicketPage } from '@/lib/api-types';
import { searchParam } from '@/lib/format';
import { serverGet } from '@/lib/server-api';

const PAGE_SIZE = '12';

export const metadata: Metadata = { title: 'Tickets for sale' };

/** The resale listing by title (until listings belong to events, issue 16). */
export default async function TicketsPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const q = searchParam((await searchParams).q);
  const query: Record<string, string> = q ? { q, limit: PAGE_SIZE } : { limit: PAGE_SIZE };
  const result = await serverGet<TicketPage>('tickets', `/api/tickets?${new URLSearchParams(query)}`);

  return (
    <>
      <section className="hero">
        <h1>Tickets for sale</h1>
        <p className="lead">Concerts, sports, theatre. A ticket you start buying is held for you until you pay.</p>
        <SearchBox action="/tickets" label="Search tickets by title" placeholder="Search by title" q={q} primary />
      </section>
      {!result.ok ? (
        <ApiErrorPanel
          failure={result}
          title="Tickets could not be loaded"
          headingLevel={2}
          action={{ href: q ? `/tickets?q=${encodeURIComponent(q)}` : '/tickets', label: 'Try again' }}
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
