/**
 * The marketplace's fees on an order (docs/design.md "order"): a percentage of the subtotal (quantity × unit price)
 * charged to the buyer on top, and one kept from the seller's share. Both are computed once on the whole subtotal, in
 * integer cents, rounded half up to the cent (so 10 % of 1,005 cents is 101 cents, never 100.5): the order stores the
 * result and nothing recomputes it later.
 */
export interface FeeRates {
  /** Percent of the subtotal the buyer pays on top (0–100, up to two decimals). */
  buyerFeePercent: number;
  /** Percent of the subtotal kept from the seller (0–100, up to two decimals). */
  sellerFeePercent: number;
}

export interface OrderPrice {
  quantity: number;
  unitPriceCents: number;
  subtotalCents: number;
  buyerFeeCents: number;
  /** What the buyer is charged: subtotal + buyer fee. */
  totalCents: number;
  sellerFeeCents: number;
  /** What the seller is owed: subtotal − seller fee. */
  sellerProceedsCents: number;
}

/** A percentage of an amount of cents, rounded half up; exact integer arithmetic (percent → basis points). */
export function percentOfCents(cents: number, percent: number): number {
  const basisPoints = Math.round(percent * 100);
  return Math.floor((cents * basisPoints + 5_000) / 10_000);
}

export function priceOrder(unitPriceCents: number, quantity: number, rates: FeeRates): OrderPrice {
  if (!Number.isInteger(unitPriceCents) || unitPriceCents <= 0) throw new RangeError(`unit price must be positive cents, got ${unitPriceCents}`);
  if (!Number.isInteger(quantity) || quantity <= 0) throw new RangeError(`quantity must be a positive integer, got ${quantity}`);
  const subtotalCents = unitPriceCents * quantity;
  const buyerFeeCents = percentOfCents(subtotalCents, rates.buyerFeePercent);
  const sellerFeeCents = percentOfCents(subtotalCents, rates.sellerFeePercent);
  return {
    quantity,
    unitPriceCents,
    subtotalCents,
    buyerFeeCents,
    totalCents: subtotalCents + buyerFeeCents,
    sellerFeeCents,
    sellerProceedsCents: subtotalCents - sellerFeeCents,
  };
}

/**
 * The price cap (docs/api.md): price ≤ faceValue × (1 + maxMarkupPercent / 100), compared in exact cents; null
 * maxMarkupPercent means no cap. Returns the highest allowed price in cents, or null without a cap.
 */
export function maxPriceCents(faceValueCents: number, maxMarkupPercent: number | null): number | null {
  if (maxMarkupPercent === null) return null;
  return faceValueCents + Math.floor((faceValueCents * Math.round(maxMarkupPercent * 100)) / 10_000);
}
