/** Words that say nothing about which event is meant; dropped unless the query has nothing else. */
const FILLER = new Set(['a', 'an', 'and', 'at', 'de', 'for', 'in', 'of', 'on', 'the', 'to', 'vs', 'with']);
export const MAX_SEARCH_WORDS = 8;

/**
 * The words a search matches, each against name, venue and city in any order: lower case, split on anything that is
 * not a letter or digit, one-letter words and filler dropped, repeats once, at most MAX_SEARCH_WORDS. Accents are
 * folded by the database (catalog_fold), the same way as the text searched.
 */
export function searchWords(q: string): string[] {
  const all = [...new Set(q.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u))].filter((w) => [...w].length > 1);
  const meaningful = all.filter((w) => !FILLER.has(w));
  return (meaningful.length ? meaningful : all).slice(0, MAX_SEARCH_WORDS);
}
