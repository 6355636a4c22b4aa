'use client';

import type { Ticket, TicketPage } from '@/lib/api-types';
import { useCursorPages } from '@/lib/use-cursor-pages';
import { LoadMore } from './load-more';
import { TicketCard } from './ticket-card';

interface TicketListProps {
  initial: TicketPage;
  /** The same query the first page was fetched with (q, sellerId, limit), reused for every further page. */
  query: Record<string, string>;
  showStatus?: boolean;
  label: string;
}

/** The first page comes rendered from the server; "Load more" follows nextCursor from the browser. */
export function TicketList({ initial, query, showStatus, label }: TicketListProps) {
  const pages = useCursorPages<TicketPage, Ticket>({
    initial: initial.tickets,
    initialCursor: initial.nextCursor,
    path: '/api/tickets',
    query,
    itemsOf: (page) => page.tickets,
  });
  return (
    <>
      <ul className="ticket-grid" aria-label={label}>
        {pages.items.map((ticket) => (
          <TicketCard key={ticket.id} ticket={ticket} showStatus={showStatus} />
        ))}
      </ul>
      <LoadMore more={pages.more} busy={pages.busy} failure={pages.failure} label="Load more" />
    </>
  );
}
