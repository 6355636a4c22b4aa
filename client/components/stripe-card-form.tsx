'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { formatPrice } from '@/lib/format';
import { loadStripe, type StripeCardElement, type StripeJs } from '@/lib/stripe-js';

interface StripeCardFormProps {
  publishableKey: string;
  busy: boolean;
  amount: number;
  onToken: (token: string) => void;
}

/** Card details go straight from Stripe's own field to Stripe; we only ever see the resulting token. */
export function StripeCardForm({ publishableKey, busy, amount, onToken }: StripeCardFormProps) {
  const mountPoint = useRef<HTMLDivElement>(null);
  const stripe = useRef<StripeJs | null>(null);
  const card = useRef<StripeCardElement | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tokenising, setTokenising] = useState(false);

  useEffect(() => {
    let cancelled = false;
    loadStripe(publishableKey).then(
      (instance) => {
        if (cancelled || !mountPoint.current) return;
        stripe.current = instance;
        const element = instance.elements().create('card', { hidePostalCode: true });
        element.mount(mountPoint.current);
        element.on('change', (e) => setError(e.error?.message ?? null));
        card.current = element;
        setReady(true);
      },
      () => !cancelled && setError('The secure card form could not be loaded. Check your connection and reload the page.'),
    );
    return () => {
      cancelled = true;
      card.current?.destroy();
      card.current = null;
    };
  }, [publishableKey]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!stripe.current || !card.current) return;
    setTokenising(true);
    const { token, error: stripeError } = await stripe.current.createToken(card.current);
    setTokenising(false);
    if (!token) {
      setError(stripeError?.message ?? 'Your card details could not be read.');
      return;
    }
    setError(null);
    onToken(token.id);
  }

  const working = busy || tokenising;
  return (
    <form className="form payment-form" onSubmit={submit} aria-busy={working}>
      <div className={error ? 'field field-invalid' : 'field'}>
        <label id="stripe-card-label" onClick={() => card.current?.focus()}>
          Card
        </label>
        <div className="stripe-card" role="group" aria-labelledby="stripe-card-label" aria-describedby="stripe-card-error">
          {!ready && !error && <span className="muted">Loading secure card form…</span>}
          {/* Stripe owns this node's children (its iframe); React never renders into it. */}
          <div ref={mountPoint} />
        </div>
        <p id="stripe-card-error" className="field-error" aria-live="polite">
          {error}
        </p>
      </div>
      <button type="submit" className="button button-primary button-block button-large" disabled={!ready || working}>
        {working ? 'Paying…' : `Pay ${formatPrice(amount)}`}
      </button>
      <p className="muted small">Payments are processed by Stripe. Card details never reach our servers.</p>
    </form>
  );
}
