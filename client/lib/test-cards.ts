/**
 * The built-in test gateway takes Stripe's test tokens. People think in card numbers, so the payment form accepts
 * Stripe's documented test card numbers and sends the matching token.
 */
export interface TestCard {
  number: string;
  token: string;
  brand: string;
  outcome: string;
}

export const TEST_CARDS: readonly TestCard[] = [
  { number: '4242 4242 4242 4242', token: 'tok_visa', brand: 'Visa', outcome: 'Succeeds' },
  { number: '4000 0566 5566 5556', token: 'tok_visa_debit', brand: 'Visa (debit)', outcome: 'Succeeds' },
  { number: '5555 5555 5555 4444', token: 'tok_mastercard', brand: 'Mastercard', outcome: 'Succeeds' },
  { number: '5200 8282 8282 8210', token: 'tok_mastercard_debit', brand: 'Mastercard (debit)', outcome: 'Succeeds' },
  { number: '3782 822463 10005', token: 'tok_amex', brand: 'American Express', outcome: 'Succeeds' },
  { number: '6011 1111 1111 1117', token: 'tok_discover', brand: 'Discover', outcome: 'Succeeds' },
  { number: '4000 0000 0000 0002', token: 'tok_chargeDeclined', brand: 'Visa', outcome: 'Declined' },
  { number: '4000 0000 0000 9995', token: 'tok_chargeDeclinedInsufficientFunds', brand: 'Visa', outcome: 'Declined: insufficient funds' },
  { number: '4000 0000 0000 0069', token: 'tok_chargeDeclinedExpiredCard', brand: 'Visa', outcome: 'Declined: expired card' },
  { number: '4000 0000 0000 0127', token: 'tok_chargeDeclinedIncorrectCvc', brand: 'Visa', outcome: 'Declined: incorrect CVC' },
  { number: '4000 0000 0000 0119', token: 'tok_chargeDeclinedProcessingError', brand: 'Visa', outcome: 'Declined: processing error' },
];

export function digitsOf(cardNumber: string): string {
  return cardNumber.replace(/[\s-]/g, '');
}

export function testTokenFor(cardNumber: string): string | null {
  const digits = digitsOf(cardNumber);
  return TEST_CARDS.find((card) => digitsOf(card.number) === digits)?.token ?? null;
}

/** Groups of four as the person types (Amex-style numbers keep the 4-6-5 grouping). */
export function formatCardNumber(input: string): string {
  const digits = input.replace(/\D/g, '').slice(0, 19);
  if (/^3[47]/.test(digits)) return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10, 15)].filter(Boolean).join(' ');
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}
