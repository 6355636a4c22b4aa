import { EventCategory, ValidationError, type ErrorItem } from '@ticketing/common';
import { decodeCursor } from '../domain/event-cursor';
import { cursorFitsSearch, type BrowseRequest } from '../domain/events';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
const SEARCH_MAX_LENGTH = 200;

const WHOLE_NUMBER = /^\+?[0-9]+$/;
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** A plain date is a whole UTC day: `from` its start, `to` its end (exclusive next midnight). */
function parseBound(value: unknown, end: boolean): Date | null {
  if (typeof value !== 'string') return null;
  if (PLAIN_DATE.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) return null;
    return end ? new Date(day.getTime() + DAY_MS) : day;
  }
  if (!INSTANT.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

function oneString(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return [...trimmed].length <= max ? trimmed : null;
}

/**
 * GET /api/events' query, checked by hand like the tickets listing (its hottest route): a parameter given twice
 * arrives as an array and is refused, not half-read. Every fault is reported at once, each naming its parameter.
 */
export function parseEventListQuery(query: Record<string, unknown>): BrowseRequest {
  const errors: ErrorItem[] = [];
  const request: BrowseRequest = { limit: DEFAULT_PAGE_SIZE };
  const fail = (field: string, message: string) => errors.push({ field, message });

  if (query.q !== undefined) {
    const q = oneString(query.q, SEARCH_MAX_LENGTH);
    if (q === null) fail('q', `q must be one piece of text of at most ${SEARCH_MAX_LENGTH} characters`);
    else if (q) request.search = q;
  }
  if (query.city !== undefined) {
    const city = oneString(query.city, 100);
    if (!city) fail('city', 'city must be the name of a city (1 to 100 characters)');
    else request.city = city;
  }
  if (query.category !== undefined) {
    const category = EventCategory.safeParse(query.category);
    if (!category.success) fail('category', `category must be one of ${EventCategory.options.join(', ')}`);
    else request.category = category.data;
  }
  for (const [field, end] of [['from', false], ['to', true]] as const) {
    if (query[field] === undefined) continue;
    const bound = parseBound(query[field], end);
    if (!bound) fail(field, `${field} must be a date (YYYY-MM-DD, a whole UTC day) or an ISO-8601 time with its offset`);
    else request[field] = bound;
  }
  if (request.from && request.to && request.from >= request.to) fail('to', 'to must be after from');
  if (query.limit !== undefined) {
    const n = typeof query.limit === 'string' && WHOLE_NUMBER.test(query.limit) ? Number(query.limit) : NaN;
    if (n >= 1 && n <= MAX_PAGE_SIZE) request.limit = n;
    else fail('limit', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (query.cursor !== undefined) {
    const cursor = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : null;
    // A search pages by rank, browsing by time: a cursor from one does not continue the other.
    if (!cursor || !cursorFitsSearch(cursor, request.search)) fail('cursor', 'cursor is not a cursor this API returned for this query');
    else request.cursor = cursor;
  }
  if (errors.length) throw new ValidationError(errors);
  return request;
}
