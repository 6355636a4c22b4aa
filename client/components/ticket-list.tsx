'use client';

import { useState } from 'react';
import type { ApiFailure, Ticket, TicketPage } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';
import { api } from '@/lib/browser-api';
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
  const [tickets, setTickets] = useState<Ticket[]>(initial.tickets);
  const [cursor, setCursor] = useState(initial.nextCursor);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function loadMore() {
    if (!cursor) return;
    setBusy(true);
    const params = new URLSearchParams({ ...query, cursor });
    const result = await api<TicketPage>('GET', `/api/tickets?${params}`);
    setBusy(false);
    if (!result.ok) {
      setFailure(result);
      return;
    }
    setFailure(null);
    // A ticket can shift between pages while someone browses; never show one twice.
    setTickets((shown) => {
      const seen = new Set(shown.map((t) => t.id));
      return [...shown, ...result.data.tickets.filter((t) => !seen.has(t.id))];
    });
    setCursor(result.data.nextCursor);
  }

  return (
    <>
      <ul className="ticket-grid" aria-label={label}>
        {tickets.map((ticket) => (
          <TicketCard key={ticket.id} ticket={ticket} showStatus={showStatus} />
        ))}
      </ul>
      {failure && (
        <p className="alert alert-error" role="alert">
          {firstMessage(failure)}
        </p>
      )}
      {cursor && (
        <div className="load-more">
          <button type="button" className="button" onClick={loadMore} disabled={busy} aria-busy={busy}>
            {busy ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}
