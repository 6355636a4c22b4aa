import { formatLocalTime } from '@ticketing/common/time';
import type { CatalogEvent, EventCategory } from './api-types';
import { formatPrice } from './format';

export const CATEGORIES: readonly { value: EventCategory; label: string; plural: string }[] = [
  { value: 'concert', label: 'Concert', plural: 'Concerts' },
  { value: 'sports', label: 'Sports', plural: 'Sports' },
  { value: 'theatre', label: 'Theatre', plural: 'Theatre' },
  { value: 'comedy', label: 'Comedy', plural: 'Comedy' },
  { value: 'festival', label: 'Festival', plural: 'Festivals' },
  { value: 'other', label: 'Other', plural: 'More' },
];

export function categoryLabel(category: string): string {
  return CATEGORIES.find((c) => c.value === category)?.label ?? 'Event';
}

export function isCategory(value: string): value is EventCategory {
  return CATEGORIES.some((c) => c.value === value);
}

/**
 * The texts a card or header shows, in the venue's zone. Computed once where the event is fetched (the server for the
 * first page) and handed to the components as they are, so server and browser never render them differently.
 */
export interface EventDisplay {
  /** "Sun 21 Jun 2026, 19:30 BST" */
  when: string;
  /** The date badge: "21" and "Jun", at the venue. */
  day: string;
  month: string;
  /** "from $45.00 · 12 tickets", or "No tickets yet". */
  availability: string;
  over: boolean;
}

export type EventView = CatalogEvent & { display: EventDisplay };

const badgeFormats = new Map<string, Intl.DateTimeFormat>();
function badgeFormat(timeZone: string): Intl.DateTimeFormat {
  let f = badgeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' });
    badgeFormats.set(timeZone, f);
  }
  return f;
}

export function availabilityText(summary: CatalogEvent['summary']): string {
  if (summary.ticketsAvailable === 0 || summary.minPrice === null) return 'No tickets yet';
  const tickets = `${summary.ticketsAvailable} ${summary.ticketsAvailable === 1 ? 'ticket' : 'tickets'}`;
  return `from ${formatPrice(summary.minPrice)} · ${tickets}`;
}

export function eventView(event: CatalogEvent, now = Date.now()): EventView {
  const startsAt = new Date(event.startsAt);
  const parts = badgeFormat(event.timeZone).formatToParts(startsAt);
  return {
    ...event,
    display: {
      when: formatLocalTime(startsAt, event.timeZone),
      day: parts.find((p) => p.type === 'day')?.value ?? '',
      month: parts.find((p) => p.type === 'month')?.value ?? '',
      availability: availabilityText(event.summary),
      over: startsAt.getTime() <= now,
    },
  };
}

/** The home page's search, as it appears in the URL and as GET /api/events takes it (empty values left out). */
export interface EventSearch {
  q: string;
  category: string;
  city: string;
  from: string;
  to: string;
}

export const SEARCH_KEYS = ['q', 'category', 'city', 'from', 'to'] as const;

type SearchParams = Record<string, string | string[] | undefined>;

export function eventSearchFrom(params: SearchParams): EventSearch {
  const one = (key: string) => {
    const value = params[key];
    return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
  };
  return { q: one('q'), category: one('category'), city: one('city'), from: one('from'), to: one('to') };
}

/** Query parameters for the URL or the API: only the filled-in ones, in a stable order, plus any extras. */
export function searchQuery(search: Partial<EventSearch>, extra: Record<string, string> = {}): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of SEARCH_KEYS) {
    const value = search[key]?.trim();
    if (value) query[key] = value;
  }
  return { ...query, ...extra };
}

/** The home page's URL for a search ("/" when nothing is filtered). */
export function searchHref(search: Partial<EventSearch>): string {
  const query = new URLSearchParams(searchQuery(search)).toString();
  return query ? `/?${query}` : '/';
}

export function isFiltered(search: EventSearch): boolean {
  return SEARCH_KEYS.some((key) => search[key] !== '');
}

const regions = new Intl.DisplayNames(['en'], { type: 'region' });

/** "United Kingdom" for GB; the code itself when the runtime has no name for it. */
export function countryName(code: string): string {
  try {
    return regions.of(code) ?? code;
  } catch {
    return code;
  }
}
