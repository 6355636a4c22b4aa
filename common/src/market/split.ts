/** The split rules' names; the event contracts' SplitRule is built from this list. */
export const SPLIT_RULES = ['any', 'even', 'all', 'no-single'] as const;
export type SplitRule = (typeof SPLIT_RULES)[number];

/**
 * The split rules (docs/design.md "split rule"), decided on counts: which k a buyer may take when `remaining` tickets
 * of a listing are free. Tickets (the listing's buyableQuantities), orders (the decision) and the client (the
 * quantity selector) all ask these functions, so they can never disagree.
 *
 *   any        any k from 1 to remaining
 *   even       pairs only: k even
 *   all        only everything that is left: k = remaining
 *   no-single  never leave exactly one: remaining − k ≠ 1
 */
export function canBuy(split: SplitRule, remaining: number, k: number): boolean {
  if (!Number.isInteger(k) || k < 1 || k > remaining) return false;
  switch (split) {
    case 'any':
      return true;
    case 'even':
      return k % 2 === 0;
    case 'all':
      return k === remaining;
    case 'no-single':
      return remaining - k !== 1;
  }
}

/** Every k a buyer may order now, ascending; empty when nothing can be sold. */
export function buyableQuantities(split: SplitRule, remaining: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k <= remaining; k++) if (canBuy(split, remaining, k)) ks.push(k);
  return ks;
}

/**
 * Why a listing of `quantity` tickets under `split` could never sell out, or null when it can: the remainder after
 * every sale must stay sellable, so an `even` listing needs an even count. (`no-single` with one ticket is fine: the
 * one buyer leaves none.)
 */
export function splitRefusal(split: SplitRule, quantity: number): string | null {
  if (split === 'even' && quantity % 2 !== 0) return `A listing sold in pairs needs an even number of tickets (this one has ${quantity})`;
  return null;
}
