import { isUuid } from '@ticketing/common';
import type { NewestCursor, PriceCursor } from '../data/listings.data';

/**
 * Where a page of GET /api/listings ended. Opaque to clients: base64url of a small JSON array whose first element
 * says which walk it belongs to, so a seller's cursor is refused on an event's page and the shape can change freely.
 */

export function encodePriceCursor(c: PriceCursor): string {
  return Buffer.from(JSON.stringify(['p', c.priceCents, c.id])).toString('base64url');
}

export function encodeNewestCursor(c: NewestCursor): string {
  return Buffer.from(JSON.stringify(['n', c.createdAtMicros, c.id])).toString('base64url');
}

function decode(text: string): unknown[] | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return Array.isArray(value) && value.length === 3 && isUuid(value[2]) ? value : null;
  } catch {
    return null;
  }
}

/** Null for anything that is not an event-page cursor this service produced. */
export function decodePriceCursor(text: string): PriceCursor | null {
  const v = decode(text);
  if (!v || v[0] !== 'p' || !Number.isSafeInteger(v[1]) || (v[1] as number) < 0) return null;
  return { priceCents: v[1] as number, id: v[2] as string };
}

/** Null for anything that is not a seller-page cursor this service produced. */
export function decodeNewestCursor(text: string): NewestCursor | null {
  const v = decode(text);
  if (!v || v[0] !== 'n' || typeof v[1] !== 'string' || !/^-?\d{1,18}$/.test(v[1])) return null;
  return { createdAtMicros: v[1], id: v[2] as string };
}
