/** How long a cached first page may be served: its age is counted from when its SELECT started, not when it ended. */
export const FIRST_PAGE_CACHE_MS = 250;

interface Entry {
  body: string;
  expiresAt: number;
}

interface Fill {
  generation: number;
  body: Promise<string>;
}

/**
 * The anonymous, unfiltered first page of GET /api/tickets (per limit) is the page everybody asks for and is the same
 * for all of them, so it is kept as its serialised body for a fraction of a second: under load one SELECT and one
 * JSON.stringify serve many requests, and concurrent misses share one SELECT.
 *
 * Staleness is bounded by maxAgeMs whatever happens, because an entry expires maxAgeMs after its SELECT started.
 * Every ticket change this process makes calls invalidate(): the page is dropped, and a SELECT that was already
 * running (it may predate the change) does not store its result. Changes made by another replica are seen when the
 * entry expires.
 */
export class FirstPageCache {
  private readonly entries = new Map<number, Entry>();
  private readonly fills = new Map<number, Fill>();
  private generation = 0;

  constructor(
    private readonly maxAgeMs: number = FIRST_PAGE_CACHE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The body for this limit: cached if young enough, else from load() (shared with concurrent callers). */
  page(limit: number, load: () => Promise<string>): Promise<string> {
    const entry = this.entries.get(limit);
    if (entry && entry.expiresAt > this.now()) return Promise.resolve(entry.body);
    const running = this.fills.get(limit);
    if (running && running.generation === this.generation) return running.body;

    const generation = this.generation;
    const expiresAt = this.now() + this.maxAgeMs;
    const body = load();
    const fill: Fill = { generation, body };
    this.fills.set(limit, fill);
    const settle = () => {
      if (this.fills.get(limit) === fill) this.fills.delete(limit);
    };
    body.then(
      (text) => {
        settle();
        if (generation === this.generation) this.entries.set(limit, { body: text, expiresAt });
      },
      settle, // a failed SELECT is the caller's error to answer; nothing is cached
    );
    return body;
  }

  /** A ticket changed (or is about to, in a transaction not yet committed): forget the pages and any SELECT in flight. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
    this.fills.clear();
  }
}
