import { canBuy, type SplitRule } from '@ticketing/common';
import { pickTickets, type PickableTicket } from '../src/domain/seat-picking';

/**
 * The picking rule on its own (fast-check is not installed: table tests, and properties checked over many listings
 * drawn by a seeded generator, so a failure names the seed and replays).
 */

/** A row from a pattern: '.' free, 'x' taken; seats labelled 1..n unless `unnumbered`. */
function row(pattern: string, unnumbered = false): PickableTicket[] {
  return [...pattern].map((c, i) => ({ id: `t${i}`, seat: unnumbered ? null : `${i + 1}`, position: i, free: c === '.' }));
}

/** The picked positions, for readable expectations. */
const picked = (pattern: string, k: number, unnumbered = false) => pickTickets(row(pattern, unnumbered), k)?.map((t) => t.position);

test.each([
  ['all free, the first k', '....', 2, [0, 1]],
  ['all of them', '....', 4, [0, 1, 2, 3]],
  ['skips taken seats to find k adjacent', 'x..x...', 3, [4, 5, 6]],
  ['prefers a window leaving no lone seat: not 1-2 (leaves 3 alone)', 'x...x..', 2, [5, 6]],
  ['takes the edge of a run rather than leave a lone seat at it', '.....', 4, [0, 1, 2, 3]],
  ['in 6 free seats, 2 from the start keep 4 together', '......', 2, [0, 1]],
  ['between two runs of 3, takes one whole-row edge', 'x...x...', 3, [1, 2, 3]],
  ['a lone seat is unavoidable: the lowest window', 'x...x', 2, [1, 2]],
  ['no k adjacent: the tightest group', '.x..xx.x.', 3, [0, 2, 3]],
  ['no k adjacent: tightest even if not first', '.xx.x..', 3, [3, 5, 6]],
  ['fewer free than k: nothing', 'x.x', 2, undefined],
])('%s: %s k=%d → %j', (_why, pattern, k, expected) => {
  expect(picked(pattern, k)).toEqual(expected);
});

test.each([
  ['.x.x..', 2, [0, 2]],
  ['xx...', 3, [2, 3, 4]],
  ['....', 1, [0]],
])('unnumbered admission takes the lowest free positions: %s k=%d → %j', (pattern, k, expected) => {
  expect(picked(pattern, k, true)).toEqual(expected);
});

test('the input order does not matter: tickets are taken in seat order', () => {
  expect(pickTickets(row('x..x...').reverse(), 3)?.map((t) => t.position)).toEqual([4, 5, 6]);
});

test('k must be a positive integer', () => {
  expect(() => pickTickets(row('...'), 0)).toThrow(RangeError);
});

/** mulberry32: a small seeded generator, so every drawn case can be replayed from its seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hasWindow = (pattern: string, k: number) => pattern.includes('.'.repeat(k));

test('properties over 5,000 drawn rows: k distinct free tickets, adjacent whenever k adjacent are free, tightest otherwise', () => {
  for (let seed = 1; seed <= 5_000; seed++) {
    const random = generator(seed);
    const n = 1 + Math.floor(random() * 30);
    const pattern = Array.from({ length: n }, () => (random() < 0.6 ? '.' : 'x')).join('');
    const free = [...pattern].filter((c) => c === '.').length;
    const k = 1 + Math.floor(random() * Math.min(n, 8));
    const unnumbered = random() < 0.2;
    const result = pickTickets(row(pattern, unnumbered), k);
    const context = `seed ${seed}: ${pattern} k=${k}${unnumbered ? ' unnumbered' : ''}`;

    if (free < k) {
      expect({ context, result }).toEqual({ context, result: undefined });
      continue;
    }
    const positions = result!.map((t) => t.position);
    expect({ context, size: new Set(positions).size, allFree: result!.every((t) => t.free) }).toEqual({ context, size: k, allFree: true });
    expect({ context, sorted: [...positions].sort((a, b) => a - b) }).toEqual({ context, sorted: positions });
    const span = positions[k - 1]! - positions[0]!;
    if (unnumbered) {
      const lowest = [...pattern].flatMap((c, i) => (c === '.' ? [i] : [])).slice(0, k);
      expect({ context, positions }).toEqual({ context, positions: lowest });
    } else if (hasWindow(pattern, k)) {
      expect({ context, adjacent: span }).toEqual({ context, adjacent: k - 1 });
    } else {
      // No group of k free seats spans fewer positions than the one picked.
      const freeAt = [...pattern].flatMap((c, i) => (c === '.' ? [i] : []));
      const tightest = Math.min(...freeAt.slice(0, freeAt.length - k + 1).map((p, i) => freeAt[i + k - 1]! - p));
      expect({ context, span }).toEqual({ context, span: tightest });
    }
  }
});

test('property: when some window of k adjacent seats leaves no lone free seat beside it, the pick leaves none', () => {
  const loneBeside = (pattern: string, start: number, k: number) => {
    const isFree = (i: number) => pattern[i] === '.';
    const leftAlone = isFree(start - 1) && !isFree(start - 2);
    const rightAlone = isFree(start + k) && !isFree(start + k + 1);
    return Number(leftAlone) + Number(rightAlone);
  };
  for (let seed = 1; seed <= 3_000; seed++) {
    const random = generator(seed * 7919);
    const n = 2 + Math.floor(random() * 20);
    const pattern = Array.from({ length: n }, () => (random() < 0.7 ? '.' : 'x')).join('');
    const k = 1 + Math.floor(random() * 4);
    const windows = Array.from({ length: n - k + 1 }, (_, s) => s).filter((s) => pattern.slice(s, s + k) === '.'.repeat(k));
    if (windows.length === 0) continue;
    const fewest = Math.min(...windows.map((s) => loneBeside(pattern, s, k)));
    const start = pickTickets(row(pattern), k)![0]!.position;
    expect({ seed, pattern, k, lone: loneBeside(pattern, start, k) }).toEqual({ seed, pattern, k, lone: fewest });
  }
});

/**
 * The split rule with the picking: an order that canBuy allows, taken from the free seats, leaves a remainder that
 * can still be sold out (a listing never strands tickets its rule forbids selling), for every rule and every k.
 */
test.each(['any', 'even', 'all', 'no-single'] as SplitRule[])('split %s: buying only what canBuy allows always leaves a sellable remainder', (split) => {
  for (let n = 1; n <= 24; n++) {
    if (split === 'even' && n % 2) continue;
    const soldOut = (left: number): boolean => left === 0 || Array.from({ length: left }, (_, i) => i + 1).some((k) => canBuy(split, left, k) && soldOut(left - k));
    for (let k = 1; k <= n; k++) if (canBuy(split, n, k)) expect({ split, n, k, sellable: soldOut(n - k) }).toEqual({ split, n, k, sellable: true });
  }
});
