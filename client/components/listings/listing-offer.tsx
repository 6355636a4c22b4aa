'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ApiFailure, FeeTerms, Listing, Order } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';
import { api, sleep } from '@/lib/browser-api';
import { formatPrice, ticketsCount } from '@/lib/format';
import { fromCents, placeText, quote, seatsPhrase, splitLabel } from '@/lib/market';

// A listing made moments ago reaches the orders service a little later (docs/api.md): until then it answers 404.
const NOT_YET_ORDERABLE_RETRIES = 8;

export type Viewer = { kind: 'anonymous' } | { kind: 'seller' } | { kind: 'buyer' };

interface ListingOfferProps {
  listing: Listing;
  fees: FeeTerms | null;
  viewer: Viewer;
  /** The quantity the buyer filtered for, picked first when the listing can sell it. */
  wanted: number | null;
  signInHref: string;
}

function initialQuantity(buyable: number[], wanted: number | null): number | null {
  if (wanted !== null && buyable.includes(wanted)) return wanted;
  // Most people buy for two; otherwise the smallest the rule allows.
  if (buyable.includes(2)) return 2;
  return buyable[0] ?? null;
}

/** One listing on the event page: where the seats are, the price, how many to take, the total, and Buy. */
export function ListingOffer({ listing, fees, viewer, wanted, signInHref }: ListingOfferProps) {
  const router = useRouter();
  const buyable = listing.buyableQuantities;
  const [quantity, setQuantity] = useState<number | null>(() => initialQuantity(buyable, wanted));
  const [state, setState] = useState<'idle' | 'busy' | 'waiting'>('idle');
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const k = quantity !== null && buyable.includes(quantity) ? quantity : initialQuantity(buyable, wanted);
  const price = k !== null && fees ? quote(listing.price, k, fees) : null;
  const seats = listing.tickets.filter((t) => t.status === undefined || t.status === 'available').map((t) => t.seat);
  const headingId = `listing-${listing.id}`;

  async function buy() {
    if (k === null) return;
    setFailure(null);
    setState('busy');
    for (let attempt = 0; ; attempt++) {
      const result = await api<Order>('POST', '/api/orders', { listingId: listing.id, quantity: k });
      if (result.ok) {
        router.push(`/orders/${result.data.id}`);
        return;
      }
      if (result.status === 404 && attempt < NOT_YET_ORDERABLE_RETRIES) {
        setState('waiting');
        await sleep(250 * (attempt + 1));
        continue;
      }
      setFailure(result);
      setState('idle');
      if (result.status === 409) router.refresh();
      return;
    }
  }

  return (
    <li className="offer" aria-labelledby={headingId}>
      <div className="offer-place">
        <h3 id={headingId} className="offer-section">
          {placeText(listing.section, listing.row)}
        </h3>
        <p className="offer-seats">{seatsPhrase(seats)}</p>
        <p className="offer-meta">
          {ticketsCount(listing.available)} · {splitLabel(listing.split)}
          {listing.delivery === 'later' ? ' · Tickets sent before the event' : ' · Instant download'}
        </p>
      </div>
      <div className="offer-price">
        <span className="offer-price-value">{formatPrice(listing.price)}</span>
        <span className="offer-price-unit">per ticket</span>
      </div>
      <div className="offer-buy">
        {buyable.length > 1 ? (
          <label className="offer-quantity">
            <span>Tickets</span>
            <select value={k ?? ''} onChange={(e) => setQuantity(Number(e.target.value))} disabled={state !== 'idle'}>
              {buyable.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <p className="offer-quantity-fixed">{k === null ? 'None left' : `${ticketsCount(k)} together`}</p>
        )}
        {k !== null && (
          <p className="offer-total" data-testid="offer-total">
            {price ? (
              <>
                <span>
                  {k} × {formatPrice(listing.price)} + {formatPrice(fromCents(price.buyerFeeCents))} fee
                </span>
                <strong>Total {formatPrice(fromCents(price.totalCents))}</strong>
              </>
            ) : (
              <span>
                {k} × {formatPrice(listing.price)}, plus the service fee shown at checkout
              </span>
            )}
          </p>
        )}
        {viewer.kind === 'buyer' && k !== null && (
          <button type="button" className="button button-primary" onClick={buy} disabled={state !== 'idle'}>
            {state === 'idle' ? `Buy ${ticketsCount(k)}` : state === 'waiting' ? 'Getting the tickets ready…' : 'Holding your seats…'}
          </button>
        )}
        {viewer.kind === 'anonymous' && (
          <Link href={signInHref} className="button button-primary">
            Sign in to buy
          </Link>
        )}
        {viewer.kind === 'seller' && (
          <p className="muted small">
            Your listing. <Link href="/listings">Manage it</Link>
          </p>
        )}
        {failure && (
          <p className="alert alert-error" role="alert">
            {firstMessage(failure)}
          </p>
        )}
      </div>
    </li>
  );
}
