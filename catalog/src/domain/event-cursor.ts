import { isUuid } from '@ticketing/common';

/**
 * Where a page of GET /api/events ended: the last event's exact (starts_at, id), and with a search its rank too.
 * Keyset positions, so events added while someone pages neither repeat nor push others off a page.
 */
export interface EventCursor {
  /** Only for a search: the last event's rank (0–1000). */
  rank?: number;
  startsAtMicros: string;
  id: string;
}

/** Opaque to clients: base64url of a small JSON array, so its shape can change without an API change. */
export function encodeCursor(c: EventCursor): string {
  const value = c.rank === undefined ? [c.startsAtMicros, c.id] : [c.startsAtMicros, c.id, c.rank];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Null for anything that is not a cursor this service produced. */
export function decodeCursor(text: string): EventCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length < 2 || value.length > 3) return null;
    const [micros, id, rank] = value as unknown[];
    if (typeof micros !== 'string' || !/^-?\d{1,18}$/.test(micros) || !isUuid(id)) return null;
    if (value.length === 2) return { startsAtMicros: micros, id };
    if (!Number.isInteger(rank) || (rank as number) < 0 || (rank as number) > 1000) return null;
    return { startsAtMicros: micros, id, rank: rank as number };
  } catch {
    return null;
  }
}
