import { MAX_TICKETS_PER_LISTING, ValidationError, isUuid, type ErrorItem } from '@ticketing/common';
import { decodeNewestCursor, decodePriceCursor } from '../domain/listing-cursor';
import type { NewestCursor, PriceCursor } from '../domain/listings.domain';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** What GET /api/listings was asked for, checked: one event's page or one seller's. */
export type ListingListRequest =
  | { eventId: string; quantity?: number; limit: number; cursor?: PriceCursor }
  | { sellerId: string; limit: number; cursor?: NewestCursor };

const WHOLE_NUMBER = /^\+?[0-9]+$/;

function wholeNumber(value: unknown, min: number, max: number): number | null {
  const n = typeof value === 'string' && WHOLE_NUMBER.test(value) ? Number(value) : NaN;
  return n >= min && n <= max ? n : null;
}

/**
 * Checked by hand (four optional scalars; a parameter given twice arrives as an array and is refused, not half-read),
 * every bad parameter named at once in a stable order.
 */
export function parseListingListQuery(query: Record<string, unknown>): ListingListRequest {
  const errors: ErrorItem[] = [];
  const { eventId, sellerId, quantity, limit, cursor } = query;

  if (eventId !== undefined && !isUuid(eventId)) errors.push({ field: 'eventId', message: 'eventId must be an event id (UUID)' });
  if (sellerId !== undefined && !isUuid(sellerId)) errors.push({ field: 'sellerId', message: 'sellerId must be a user id (UUID)' });
  if ((eventId === undefined) === (sellerId === undefined)) {
    errors.push({ field: 'eventId', message: 'Ask for exactly one of eventId (an event’s listings) or sellerId (a seller’s listings)' });
  }

  let quantityValue: number | undefined;
  if (quantity !== undefined) {
    quantityValue = wholeNumber(quantity, 1, MAX_TICKETS_PER_LISTING) ?? undefined;
    if (quantityValue === undefined) errors.push({ field: 'quantity', message: `quantity must be a whole number from 1 to ${MAX_TICKETS_PER_LISTING}` });
    else if (sellerId !== undefined) errors.push({ field: 'quantity', message: 'quantity filters an event’s listings; it does not apply to sellerId' });
  }

  let limitValue = DEFAULT_PAGE_SIZE;
  if (limit !== undefined) {
    const n = wholeNumber(limit, 1, MAX_PAGE_SIZE);
    if (n === null) errors.push({ field: 'limit', message: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
    else limitValue = n;
  }

  const forSeller = sellerId !== undefined && eventId === undefined;
  let priceCursor: PriceCursor | undefined;
  let newestCursor: NewestCursor | undefined;
  if (cursor !== undefined) {
    const text = typeof cursor === 'string' ? cursor : '';
    if (forSeller) newestCursor = decodeNewestCursor(text) ?? undefined;
    else priceCursor = decodePriceCursor(text) ?? undefined;
    if (!newestCursor && !priceCursor) errors.push({ field: 'cursor', message: 'cursor is not a cursor this API returned for this list' });
  }

  if (errors.length) throw new ValidationError(errors);
  if (forSeller) return { sellerId: (sellerId as string).toLowerCase(), limit: limitValue, cursor: newestCursor };
  return { eventId: (eventId as string).toLowerCase(), quantity: quantityValue, limit: limitValue, cursor: priceCursor };
}
