'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import type { ApiFailure, Listing, ListingTicket, SplitRule } from '@/lib/api-types';
import { fieldErrors, firstMessage, formErrors } from '@/lib/api-errors';
import { api } from '@/lib/browser-api';
import { formatPrice, LISTING_STATUS_LABEL, priceInput, TICKET_STATUS_LABEL, ticketsCount } from '@/lib/format';
import { placeText, splitLabel, SPLIT_RULES } from '@/lib/market';
import { FormAlert, FormField, SelectField } from '../form-field';
import { ListingDeliveries } from './listing-deliveries';

export type ShownListing = Listing & { when: string | null };

interface MyListingProps {
  listing: ShownListing;
  onChange: (listing: ShownListing) => void;
  highlight: boolean;
}

/** One of the seller's listings: its event, each ticket's status, and what the seller can still change. */
export function MyListing({ listing, onChange, highlight }: MyListingProps) {
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm-withdraw'>('view');
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const changeable = (listing.status === 'active' || listing.status === 'pending') && listing.tickets.some((t) => t.status === 'available');
  const counts = countByStatus(listing);
  const id = listing.id;

  async function reload(): Promise<Listing | null> {
    const fresh = await api<Listing>('GET', `/api/listings/${id}`);
    if (!fresh.ok) return null;
    onChange({ ...fresh.data, when: listing.when });
    return fresh.data;
  }

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    const result = await api<Listing>('PUT', `/api/listings/${id}`, { price: priceInput(String(form.get('price') ?? '')), split: String(form.get('split')) as SplitRule });
    setBusy(false);
    if (!result.ok) {
      setFailure(result);
      if (result.status === 409) void reload();
      return;
    }
    setFailure(null);
    setMode('view');
    onChange({ ...result.data, when: listing.when });
  }

  async function withdraw() {
    setBusy(true);
    const result = await api<void>('DELETE', `/api/listings/${id}`);
    setBusy(false);
    setMode('view');
    if (!result.ok) setFailure(result);
    await reload();
  }

  const errors = fieldErrors(failure);
  return (
    <li className={highlight ? 'card my-listing my-listing-new' : 'card my-listing'} aria-labelledby={`my-listing-${id}`}>
      <div className="my-listing-head">
        <div>
          <h2 id={`my-listing-${id}`} className="my-listing-event">
            {listing.event ? <Link href={`/events/${listing.eventId}`}>{listing.event.name}</Link> : 'Event details unavailable'}
          </h2>
          {listing.when && <p className="muted small">{listing.when}{listing.event ? ` · ${listing.event.venue.name}, ${listing.event.venue.city}` : ''}</p>}
        </div>
        <span className={`badge badge-listing-${listing.status}`}>{LISTING_STATUS_LABEL[listing.status]}</span>
      </div>
      <p className="my-listing-facts">
        <strong>{placeText(listing.section, listing.row)}</strong> · {formatPrice(listing.price)} per ticket (face value {formatPrice(listing.faceValue)}) ·{' '}
        {splitLabel(listing.split)} · {ticketsCount(listing.quantity)}: {counts}
      </p>
      <ul className="seat-chips" aria-label="Tickets">
        {listing.tickets.map((t, i) => (
          <li key={t.id} className={`seat-chip seat-chip-${t.status ?? 'available'}`}>
            <span className="seat-chip-label">{t.seat ?? `#${i + 1}`}</span>
            <span className="seat-chip-status">{TICKET_STATUS_LABEL[t.status ?? 'available']}</span>
            {itemNote(t) && <span className="seat-chip-item">{itemNote(t)}</span>}
          </li>
        ))}
      </ul>
      <ListingDeliveries listing={listing} reload={reload} />
      {failure && mode === 'view' && (
        <p className="alert alert-error" role="alert">
          {firstMessage(failure)}
        </p>
      )}
      {mode === 'edit' && (
        <form className="form my-listing-edit" onSubmit={save} noValidate aria-busy={busy}>
          <FormAlert messages={formErrors(failure, ['price', 'split'])} />
          <div className="field-pair">
            <FormField name="price" label="Price per ticket (USD)" inputMode="decimal" defaultValue={listing.price.toFixed(2)} autoComplete="off" error={errors.price} />
            <SelectField name="split" label="Buyers may take" options={SPLIT_RULES} defaultValue={listing.split} error={errors.split} />
          </div>
          <p className="muted small">Changes apply to the tickets still on sale; tickets on hold or sold keep the price their buyer got.</p>
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save changes'}
            </button>
            <button type="button" className="button button-ghost" onClick={() => { setMode('view'); setFailure(null); }} disabled={busy}>
              Keep as it is
            </button>
          </div>
        </form>
      )}
      {mode === 'confirm-withdraw' && (
        <div className="notice notice-warning" role="alertdialog" aria-labelledby={`withdraw-${id}`}>
          <p id={`withdraw-${id}`}>
            Withdraw the {ticketsCount(listing.available)} still on sale? Tickets on hold stay with their buyer until they pay or the hold ends.
          </p>
          <div className="actions">
            <button type="button" className="button button-danger" onClick={withdraw} disabled={busy}>
              {busy ? 'Withdrawing…' : 'Withdraw'}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setMode('view')} disabled={busy}>
              Keep it on sale
            </button>
          </div>
        </div>
      )}
      {mode === 'view' && changeable && (
        <div className="actions">
          <button type="button" className="button" onClick={() => { setFailure(null); setMode('edit'); }}>
            Edit price or split
          </button>
          <button type="button" className="button button-danger-ghost" onClick={() => { setFailure(null); setMode('confirm-withdraw'); }}>
            Withdraw
          </button>
        </div>
      )}
    </li>
  );
}

/** Where a ticket's delivery stands, for the seller: delivered to its buyer, its item attached, or still owed. */
function itemNote(t: ListingTicket): string | null {
  if (t.delivered) return 'Delivered';
  if (t.hasItem) return 'Attached';
  if (t.status === 'sold') return 'To deliver';
  return null;
}

/** "2 available, 2 sold". */
function countByStatus(listing: Listing): string {
  const counts = new Map<string, number>();
  for (const t of listing.tickets) counts.set(t.status ?? 'available', (counts.get(t.status ?? 'available') ?? 0) + 1);
  return ['available', 'held', 'sold', 'withdrawn']
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s === 'held' ? 'on hold' : s}`)
    .join(', ');
}
