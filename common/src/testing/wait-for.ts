export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 25 ms). */
  intervalMs?: number;
  /** Said in the timeout error, e.g. 'the order to be cancelled'. */
  description?: string;
}

/**
 * Polls fn until it neither throws nor returns false, then returns its result.
 * Use it with assertions (`await waitFor(async () => expect(await count()).toBe(3))`) or predicates
 * (`await waitFor(() => rows.length === 3)`). On timeout it throws the last assertion error, so Jest shows the diff.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<Exclude<T, false>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await fn();
      if (result !== false) return result as Exclude<T, false>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = opts.description ? ` for ${opts.description}` : '';
      if (lastError instanceof Error) {
        lastError.message = `waitFor${what} timed out after ${timeoutMs} ms; last failure: ${lastError.message}`;
        throw lastError;
      }
      throw new Error(`waitFor${what} timed out after ${timeoutMs} ms (the condition stayed false)`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
