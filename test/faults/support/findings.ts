// The audit's bookkeeping: each broken rule is a violation with a count and a few examples.

export interface Violation {
  rule: string;
  count: number;
  examples: string[];
}

export class Findings {
  private readonly map = new Map<string, Violation>();
  add(rule: string, example: string): void {
    const v = this.map.get(rule) ?? { rule, count: 0, examples: [] };
    v.count++;
    if (v.examples.length < 5) v.examples.push(example);
    this.map.set(rule, v);
  }
  list(): Violation[] {
    return [...this.map.values()];
  }
}

export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

export const str = (v: unknown) => String(v);

/** Orders that hold their tickets: open holds and paid orders. */
export const ACTIVE = new Set(['created', 'awaiting:payment', 'complete']);
