import type { ListingStatus, OrderStatus, TicketStatus } from './api-types';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export function formatPrice(price: number): string {
  return money.format(price);
}

/** Same text on the server and in the browser (fixed locale and zone), so hydration never disagrees. */
const utcDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function formatUtc(iso: string): string {
  return `${utcDate.format(new Date(iso))} UTC`;
}

export const TICKET_STATUS_LABEL: Record<TicketStatus, string> = {
  available: 'Available',
  held: 'On hold',
  sold: 'Sold',
  withdrawn: 'Withdrawn',
};

export const LISTING_STATUS_LABEL: Record<ListingStatus, string> = {
  pending: 'Waiting for ticket files',
  active: 'On sale',
  sold: 'Sold out',
  withdrawn: 'Withdrawn',
};

/** "1 ticket", "4 tickets". */
export function ticketsCount(n: number): string {
  return `${n} ${n === 1 ? 'ticket' : 'tickets'}`;
}

export const ORDER_STATUS_LABEL: Record<OrderStatus, string> = {
  created: 'Awaiting payment',
  'awaiting:payment': 'Payment processing',
  complete: 'Complete',
  cancelled: 'Cancelled',
};

/** Where to go after signing in: only paths on this site (never `//evil.example`). */
export function safeNextPath(next: string | string[] | undefined, fallback = '/'): string {
  const value = Array.isArray(next) ? next[0] : next;
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}

/** An API price from what the person typed: a number when it reads as one, else the text, for the API to reject clearly. */
export function priceInput(text: string): number | string {
  const trimmed = text.trim().replace(/^\$/, '');
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export function searchParam(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}
