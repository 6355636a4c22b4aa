'use client';

import { useState, type ReactNode } from 'react';
import type { Listing, ListingTicket } from '@/lib/api-types';
import { deadlineAt, isUrgent, timeLeft } from '@/lib/deadlines';
import { ticketLabel } from '@/lib/ticket-items';
import { useItemRows } from '@/lib/use-item-rows';
import { useNow } from '@/lib/use-now';
import { ItemRow } from '../delivery/item-row';

interface ListingDeliveriesProps {
  listing: Listing;
  /** After an upload: the listing as the service now has it (which tickets have items, delivered, on sale). */
  reload: () => Promise<Listing | null>;
}

interface Need {
  ticket: ListingTicket;
  index: number;
}

/**
 * What the seller still has to attach: sold tickets awaiting delivery (with their deadline), an instant listing's
 * tickets before it can go on sale, and, optionally, a `later` listing's tickets ahead of a sale.
 */
export function ListingDeliveries({ listing, reload }: ListingDeliveriesProps) {
  const items = useItemRows();
  const [news, setNews] = useState<string | null>(null);
  const now = useNow(30_000);
  const needs = (keep: (t: ListingTicket) => boolean): Need[] => listing.tickets.map((ticket, index) => ({ ticket, index })).filter(({ ticket }) => !ticket.hasItem && keep(ticket));
  const toDeliver = needs((t) => t.status === 'sold' && !t.delivered);
  const toList = listing.status === 'pending' ? needs((t) => t.status === 'available') : [];
  const ahead = listing.status === 'active' && listing.delivery === 'later' ? needs((t) => t.status === 'available') : [];
  const timeZone = listing.event?.timeZone;

  async function attach({ ticket, index }: Need) {
    setNews(null);
    const done = await items.upload([{ index, ticketId: ticket.id }]);
    if (done !== 1) return;
    const label = ticketLabel(ticket.seat, index);
    const fresh = await reload();
    const now = fresh?.tickets.find((t) => t.id === ticket.id);
    if (now?.delivered) setNews(`${label} delivered: its buyer has it now.`);
    else if (ticket.status === 'sold') setNews(`${label} attached. Its buyer gets it once every ticket of their order is attached.`);
    else setNews(`${label} attached.`);
  }

  const row = (need: Need, note?: ReactNode) => {
    const label = ticketLabel(need.ticket.seat, need.index);
    const state = items.row(need.index);
    return (
      <ItemRow
        key={need.ticket.id}
        idBase={`item-${need.ticket.id}`}
        label={label}
        row={state}
        onDraft={(draft) => items.setDraft(need.index, draft)}
        note={note}
        action={
          <button type="button" className="button button-primary" onClick={() => attach(need)} disabled={state.phase === 'uploading' || state.phase === 'attached'}>
            {state.phase === 'uploading' ? 'Attaching…' : `Attach ${label.toLowerCase()}`}
          </button>
        }
      />
    );
  };

  if (toDeliver.length + toList.length + ahead.length === 0 && !news) return null;
  return (
    <div className="listing-deliveries">
      {news && (
        <p className="notice notice-success" role="status">
          {news}
        </p>
      )}
      {toDeliver.length > 0 && (
        <section aria-labelledby={`deliver-${listing.id}`}>
          <h3 id={`deliver-${listing.id}`} className="deliveries-title">
            To deliver: {toDeliver.length === 1 ? '1 sold ticket' : `${toDeliver.length} sold tickets`}
          </h3>
          <p className="muted small">The buyer has paid. Attach each ticket by its deadline, or the buyer is refunded in full and you are not paid for it.</p>
          {toDeliver.map((need) =>
            row(
              need,
              need.ticket.deliveryDeadline && (
                <p className={now !== null && isUrgent(need.ticket.deliveryDeadline, now) ? 'deadline deadline-urgent' : 'deadline'} data-testid="delivery-deadline">
                  Deliver by <time dateTime={need.ticket.deliveryDeadline}>{deadlineAt(need.ticket.deliveryDeadline, timeZone)}</time>
                  {now !== null && <> — {timeLeft(need.ticket.deliveryDeadline, now)}</>}
                </p>
              ),
            ),
          )}
        </section>
      )}
      {toList.length > 0 && (
        <section aria-labelledby={`to-list-${listing.id}`}>
          <h3 id={`to-list-${listing.id}`} className="deliveries-title">
            Attach {toList.length === 1 ? 'the last ticket' : `${toList.length} tickets`} to put this listing on sale
          </h3>
          <p className="muted small">Instant delivery: buyers download their tickets the moment they pay, so every ticket needs its file or barcode first.</p>
          {toList.map((need) => row(need))}
        </section>
      )}
      {ahead.length > 0 && (
        <details className="deliveries-ahead">
          <summary>Attach tickets now (optional)</summary>
          <p className="muted small">Attached tickets reach their buyer the moment they pay; the others wait for you after the sale.</p>
          {ahead.map((need) => row(need))}
        </details>
      )}
    </div>
  );
}
