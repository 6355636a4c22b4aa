/** docs/api.md: prices are decimals in major units, > 0, ≤ 100000, at most two decimal places; inside they are cents. */
export const MAX_PRICE = 100000;

const DECIMAL = /^\d{1,6}(\.\d{1,2})?$/;

/** Cents for a valid API price, or null. Works on the decimal text, never on float arithmetic (0.1 + 0.2). */
export function parsePriceToCents(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const text = String(value);
  if (!DECIMAL.test(text)) return null;
  const [whole, fraction = ''] = text.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (cents <= 0 || cents > MAX_PRICE * 100) return null;
  return cents;
}

/** Cents → the API's decimal number (1999 → 19.99). */
export function centsToPrice(cents: number): number {
  return Number((cents / 100).toFixed(2));
}

/** Cents → display text with two places (1990 → "19.90"). */
export function formatCents(cents: number): string {
  return (cents / 100).toFixed(2);
}
