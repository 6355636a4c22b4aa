'use client';

import { useState, type FormEvent } from 'react';
import type { ApiFailure } from '@/lib/api-types';
import { fieldErrors } from '@/lib/api-errors';
import { formatPrice } from '@/lib/format';
import { formatCardNumber, TEST_CARDS, testTokenFor } from '@/lib/test-cards';
import { FormField } from './form-field';

interface TestCardFormProps {
  busy: boolean;
  amount: number;
  onToken: (token: string) => void;
  failure: ApiFailure | null;
}

/** The built-in test gateway: no real card is charged; Stripe's documented test numbers pick the outcome. */
export function TestCardForm({ busy, amount, onToken, failure }: TestCardFormProps) {
  const [cardNumber, setCardNumber] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const token = testTokenFor(cardNumber);
    if (!token) {
      setLocalError(cardNumber.trim() ? 'That is not one of the test card numbers listed below.' : 'Enter a card number.');
      return;
    }
    setLocalError(null);
    onToken(token);
  }

  const apiError = fieldErrors(failure).token;
  return (
    <form className="form payment-form" onSubmit={submit} noValidate aria-busy={busy}>
      <FormField
        name="cardNumber"
        label="Card number"
        inputMode="numeric"
        autoComplete="cc-number"
        placeholder="4242 4242 4242 4242"
        value={cardNumber}
        onChange={(e) => setCardNumber(formatCardNumber(e.target.value))}
        error={localError ?? apiError}
        hint="Test mode: no real card is charged. Use a test card number from the list below."
      />
      <button type="submit" className="button button-primary button-block button-large" disabled={busy}>
        {busy ? 'Paying…' : `Pay ${formatPrice(amount)}`}
      </button>
      <details className="test-cards" open>
        <summary>Test card numbers</summary>
        <p className="muted">Any future expiry date and any CVC work with Stripe’s test cards; here only the number matters.</p>
        <table>
          <caption className="visually-hidden">Test card numbers and their outcome</caption>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Outcome</th>
              <th scope="col">
                <span className="visually-hidden">Use</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {TEST_CARDS.map((card) => (
              <tr key={card.token}>
                <td>
                  <code>{card.number}</code>
                  <span className="test-card-brand">{card.brand}</span>
                </td>
                <td className={card.outcome === 'Succeeds' ? 'outcome-ok' : 'outcome-declined'}>{card.outcome}</td>
                <td>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setCardNumber(card.number)}
                    aria-label={`Use ${card.number}`}
                  >
                    Use
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </form>
  );
}
