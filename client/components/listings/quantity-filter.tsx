'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

const CHOICES = [1, 2, 3, 4, 5, 6, 7, 8];

/**
 * "How many tickets?" narrows the event's listings to those that can sell that many together. A plain GET form (the
 * quantity goes in the URL, so the server renders the narrowed list); choosing submits it at once.
 */
export function QuantityFilter({ eventId, quantity }: { eventId: string; quantity: number | null }) {
  const router = useRouter();
  // Shows the choice at once; the list follows when the server has rendered it.
  const [chosen, setChosen] = useState(quantity === null ? '' : String(quantity));
  return (
    <form className="quantity-filter" action={`/events/${eventId}`} method="get">
      <label htmlFor="quantity-filter">How many tickets?</label>
      <select
        id="quantity-filter"
        name="quantity"
        value={chosen}
        onChange={(e) => {
          const value = e.target.value;
          setChosen(value);
          router.replace(value ? `/events/${eventId}?quantity=${value}` : `/events/${eventId}`, { scroll: false });
        }}
      >
        <option value="">Any number</option>
        {CHOICES.map((n) => (
          <option key={n} value={n}>
            {n} {n === 1 ? 'ticket' : 'tickets'}
          </option>
        ))}
        {quantity !== null && !CHOICES.includes(quantity) && <option value={quantity}>{quantity} tickets</option>}
      </select>
      <noscript>
        <button type="submit" className="button button-small">
          Show
        </button>
      </noscript>
    </form>
  );
}
