/**
 * Which k of a listing's free tickets an order takes (docs/services/orders.md "Picking seats"). Pure: the caller
 * passes every ticket of the listing in seat order (position) with whether it is free.
 *
 * - Numbered seats: k adjacent free seats (consecutive positions). Among the possible windows, the one that leaves
 *   the fewest lone free seats right beside it (a single free seat between the window and a taken seat or the end of
 *   the row, which nobody sitting with friends wants), then the lowest position. With no k adjacent free seats, the
 *   tightest group: the k free seats spanning the fewest positions, then the lowest.
 * - Unnumbered admission (no seat labels): the k free tickets with the lowest positions.
 *
 * Returns undefined when fewer than k tickets are free.
 */
export interface PickableTicket {
  id: string;
  seat: string | null;
  position: number;
  free: boolean;
}

export function pickTickets<T extends PickableTicket>(tickets: readonly T[], k: number): T[] | undefined {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const ordered = [...tickets].sort((a, b) => a.position - b.position);
  const free = ordered.filter((t) => t.free);
  if (free.length < k) return undefined;
  if (ordered.some((t) => t.seat === null)) return free.slice(0, k);
  return bestAdjacentWindow(ordered, k) ?? tightestGroup(free, k);
}

/** The windows of k consecutive positions, all free; the one leaving the fewest lone free neighbours, then the lowest. */
function bestAdjacentWindow<T extends PickableTicket>(ordered: readonly T[], k: number): T[] | undefined {
  const freeAt = new Set(ordered.filter((t) => t.free).map((t) => t.position));
  let best: { start: number; lone: number } | undefined;
  for (let i = 0; i + k <= ordered.length; i++) {
    const window = ordered.slice(i, i + k);
    if (!window.every((t, j) => t.free && t.position === window[0]!.position + j)) continue;
    const first = window[0]!.position;
    const last = window[k - 1]!.position;
    const lone = Number(freeRunLength(freeAt, first - 1, -1) === 1) + Number(freeRunLength(freeAt, last + 1, +1) === 1);
    if (!best || lone < best.lone) best = { start: i, lone };
    if (best.lone === 0) break;
  }
  return best && ordered.slice(best.start, best.start + k);
}

/** How many free positions follow each other from `from` in direction `step`. */
function freeRunLength(freeAt: ReadonlySet<number>, from: number, step: 1 | -1): number {
  let n = 0;
  while (freeAt.has(from + n * step)) n++;
  return n;
}

/** k free tickets (consecutive in the free list) spanning the fewest positions; the lowest such group on a tie. */
function tightestGroup<T extends PickableTicket>(free: readonly T[], k: number): T[] {
  let bestStart = 0;
  for (let i = 1; i + k <= free.length; i++) {
    if (free[i + k - 1]!.position - free[i]!.position < free[bestStart + k - 1]!.position - free[bestStart]!.position) bestStart = i;
  }
  return free.slice(bestStart, bestStart + k);
}
