/** Small timing helpers shared by the bus loops (connect, relay, consumers). */

/** Capped exponential back-off with ±20 % jitter, so replicas retrying together spread out. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number): number {
  const raw = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

/** Resolves after ms, or at once when the signal aborts (never rejects): loops use it to sleep yet stop promptly. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A wake-up flag a loop sleeps on: wake() ends the current (or the next) wait early. */
export class Waker {
  private pending = false;
  private resolve?: () => void;

  wake(): void {
    this.pending = true;
    this.resolve?.();
  }

  /** Waits up to ms, or less if woken (or already woken since the last wait), or the signal aborts. */
  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return;
    }
    const woken = new Promise<void>((r) => (this.resolve = r));
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    await Promise.race([woken, sleep(ms, ac.signal)]);
    ac.abort();
    signal?.removeEventListener('abort', onAbort);
    this.resolve = undefined;
    this.pending = false;
  }
}
