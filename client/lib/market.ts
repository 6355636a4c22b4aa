import { maxPriceCents, priceOrder, type OrderPrice } from '@ticketing/common/market';
import type { FeeTerms, SplitRule } from './api-types';

/** API money is major units with at most two decimals; the market rules work in integer cents. */
export function toCents(price: number): number {
  return Math.round(price * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/** What k tickets at `price` cost with the marketplace's fees (the same rule orders fixes the order with). */
export function quote(price: number, k: number, fees: FeeTerms): OrderPrice {
  return priceOrder(toCents(price), k, fees);
}

/** The highest price per ticket the cap allows for a face value, in major units; null without a cap. */
export function priceCap(faceValue: number, maxMarkupPercent: number | null): number | null {
  const cents = maxPriceCents(toCents(faceValue), maxMarkupPercent);
  return cents === null ? null : fromCents(cents);
}

/** The split rules in the words a buyer or seller reads them. */
export const SPLIT_RULES: readonly { value: SplitRule; label: string; explained: string }[] = [
  { value: 'any', label: 'Any quantity', explained: 'Buyers may take any number of your tickets, even one.' },
  { value: 'even', label: 'In pairs', explained: 'Buyers take 2, 4, 6… so nobody is left to sit alone. Needs an even number of tickets.' },
  { value: 'no-single', label: 'Never leave one', explained: 'Buyers may take any number, as long as it does not leave exactly one ticket unsold.' },
  { value: 'all', label: 'All together', explained: 'One buyer takes everything that is left.' },
];

export function splitLabel(split: SplitRule): string {
  return SPLIT_RULES.find((s) => s.value === split)?.label ?? split;
}

/**
 * Seat labels as people write them: consecutive numbers become a range ("11–14"), anything else is listed
 * ("A1, A2"). Unnumbered (general admission) tickets have no seat.
 */
export function seatsText(seats: readonly (string | null)[]): string {
  const labels = seats.filter((s): s is string => s !== null && s !== '');
  if (labels.length === 0) return seats.length === 1 ? 'Unnumbered' : `${seats.length} unnumbered`;
  const numeric = labels.every((s) => /^\d+$/.test(s));
  if (!numeric || labels.length === 1) return labels.join(', ');
  const numbers = labels.map(Number);
  const runs: string[] = [];
  let start = numbers[0]!;
  let previous = start;
  for (const n of [...numbers.slice(1), Number.NaN]) {
    if (n === previous + 1) {
      previous = n;
      continue;
    }
    runs.push(start === previous ? String(start) : `${start}–${previous}`);
    start = n;
    previous = n;
  }
  return runs.join(', ');
}

/** "Seat 12", "Seats 11–14", or "General admission" when the tickets carry no seat. */
export function seatsPhrase(seats: readonly (string | null)[]): string {
  const labelled = seats.filter((s) => s !== null && s !== '');
  if (labelled.length === 0) return 'General admission';
  return `${labelled.length === 1 ? 'Seat' : 'Seats'} ${seatsText(seats)}`;
}

/** "Section 512 · Row F" (the row only when there is one). */
export function placeText(section: string, row: string | null): string {
  return row ? `${section} · Row ${row}` : section;
}

/**
 * Seat labels from what a seller typed: commas or spaces between labels, and numeric ranges ("11-14", "11–14")
 * expanded. Returns the labels, or a reason the text cannot be read.
 */
export function parseSeats(text: string, max = 100): { seats: string[] } | { error: string } {
  const seats: string[] = [];
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const range = /^(\d+)\s*[-–—]\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to < from) return { error: `The range ${part} runs backwards; write it from low to high (e.g. ${to}–${from}).` };
      if (to - from + 1 > max) return { error: `The range ${part} has more than ${max} seats.` };
      for (let n = from; n <= to; n++) seats.push(String(n));
    } else {
      seats.push(part);
    }
  }
  if (seats.length === 0) return { error: 'Enter the seat numbers, e.g. 11–14.' };
  if (seats.length > max) return { error: `At most ${max} tickets in one listing.` };
  const long = seats.find((s) => s.length > 20);
  if (long) return { error: `“${long.slice(0, 24)}…” is too long for a seat label (at most 20 characters).` };
  const seen = new Set<string>();
  for (const s of seats) {
    if (seen.has(s)) return { error: `Seat ${s} is listed twice.` };
    seen.add(s);
  }
  return { seats };
}
