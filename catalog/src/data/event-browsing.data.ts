import type { EventCategory, Queryable } from '@ticketing/common';
import { COLUMNS, SUMMARY, SUMMARY_JOIN, type EventWithSummary } from './events.data';

export interface BrowseQuery {
  /** Words of the search; every one must match a word of name, venue or city. */
  words?: string[];
  city?: string;
  category?: EventCategory;
  from?: Date;
  to?: Date;
  limit: number;
  /** Keyset position: rows strictly after this one in the page order (`rank` counts only with words). */
  after?: { rank: number; startsAtMicros: string; id: string };
}

export interface BrowsedEvent extends EventWithSummary {
  /** How well the event matches the words, 0–1000 (1000: every word found as written); 0 without words. */
  rank: number;
}

/**
 * How similar a query word must be to some word of name, venue or city (pg_trgm word_similarity, 0–1). 0.5 lets
 * "radiohaed" (0.6) and "coldpaly" (0.56) find their events and keeps "loin" (0.4 against every "london") out.
 */
export const WORD_SIMILARITY_THRESHOLD = 0.5;

/**
 * Scheduled events that are not over, in page order: soonest first, or with words best match first, then soonest.
 * Returns up to `limit` rows (callers ask one more to learn whether a next page exists). With words, call it inside
 * a transaction: the similarity threshold is set for that transaction only.
 */
export async function browseEvents(db: Queryable, q: BrowseQuery): Promise<BrowsedEvent[]> {
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const words = q.words ?? [];
  if (words.length) {
    // For this transaction only. The planner prices `<%` like a comparison, but each call computes trigram
    // similarity: on a few thousand events it would scan them all (3–4× slower than the index, measured); with
    // sequential scans off it takes the trigram index (docs/services/catalog.md, "Search").
    await db.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true), set_config('enable_seqscan', 'off', true)`, [
      String(WORD_SIMILARITY_THRESHOLD),
    ]);
  }
  const where = [`status = 'scheduled'`, `starts_at > now()`];
  // One `<%` per word, each answered by the trigram index (GIN combines them); the rank averages the same similarities.
  const folded = words.map((w) => `catalog_fold(${param(w)})`);
  for (const w of folded) where.push(`${w} <% search_text`);
  if (q.city) where.push(`catalog_fold(venue_city) = catalog_fold(${param(q.city)})`);
  if (q.category) where.push(`category = ${param(q.category)}`);
  if (q.from) where.push(`starts_at >= ${param(q.from)}`);
  if (q.to) where.push(`starts_at < ${param(q.to)}`);
  const at = (micros: string) => `timestamptz 'epoch' + ${param(micros)}::bigint * interval '1 microsecond'`;

  let page: string;
  if (!words.length) {
    if (q.after) where.push(`(starts_at, id) > (${at(q.after.startsAtMicros)}, ${param(q.after.id)}::uuid)`);
    page = `SELECT ${COLUMNS}, 0 AS rank FROM events WHERE ${where.join(' AND ')} ORDER BY starts_at, id LIMIT ${param(q.limit)}`;
  } else {
    const rank = `round(1000 * (${folded.map((w) => `word_similarity(${w}, search_text)`).join(' + ')}) / ${words.length})::int`;
    let after = '';
    if (q.after) {
      const r = param(q.after.rank);
      after = `WHERE r.rank < ${r} OR (r.rank = ${r} AND (r."startsAt", r.id) > (${at(q.after.startsAtMicros)}, ${param(q.after.id)}::uuid))`;
    }
    page = `SELECT * FROM (SELECT ${COLUMNS}, ${rank} AS rank FROM events WHERE ${where.join(' AND ')}) r ${after}
            ORDER BY r.rank DESC, r."startsAt", r.id LIMIT ${param(q.limit)}`;
  }
  const { rows } = await db.query<BrowsedEvent>(`SELECT e.*, ${SUMMARY} FROM (${page}) e ${SUMMARY_JOIN} ORDER BY e.rank DESC, e."startsAt", e.id`, params);
  return rows;
}
