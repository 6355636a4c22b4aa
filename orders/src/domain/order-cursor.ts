import { isUuid } from '@ticketing/common';

/**
 * Where a page of GET /api/orders ended: the last order's exact (created_at in microseconds, id). A keyset position,
 * so orders placed while someone pages neither repeat nor push others off a page.
 */
export interface OrderCursor {
  createdAtMicros: string;
  id: string;
}

/** Opaque to clients: base64url of a small JSON array, so its shape can change without an API change. */
export function encodeOrderCursor(c: OrderCursor): string {
  return Buffer.from(JSON.stringify([c.createdAtMicros, c.id])).toString('base64url');
}

/** Null for anything that is not a cursor this service produced. */
export function decodeOrderCursor(text: string): OrderCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [micros, id] = value as unknown[];
    if (typeof micros !== 'string' || !/^\d{1,18}$/.test(micros) || !isUuid(id)) return null;
    return { createdAtMicros: micros, id };
  } catch {
    return null;
  }
}
