import type { Logger } from '../log/logger';

export interface PeriodicTask<T> {
  /** One pass now (tests, and the timer); a pass already running is joined, not doubled. */
  runOnce(): Promise<T>;
  /** No more passes; resolves once the one running (if any) has finished. */
  stop(): Promise<void>;
}

export interface PeriodicTaskOptions<T> {
  /** Names the task in its logs (`component`). */
  name: string;
  intervalMs: number;
  logger: Logger;
  /** One pass. `stopping()` tells a long pass (batches) to end early at shutdown. */
  run: (ctx: { logger: Logger; stopping: () => boolean }) => Promise<T>;
  /** What runOnce resolves with when a pass failed (the failure is logged; the next pass tries again). */
  onFailure: T;
}

/**
 * Work a service repeats on a timer, on every replica: sweepers over rows with a due time (deadlines days away are
 * rows, not in-memory timers), claimed so that replicas never do the same row twice. One pass at a time per process,
 * a failing pass logged and retried on the next tick, and shutdown waiting for the pass in progress, so runService's
 * `background` tasks stop cleanly.
 */
export function startPeriodicTask<T>(opts: PeriodicTaskOptions<T>): PeriodicTask<T> {
  const logger = opts.logger.child({ component: opts.name });
  let running: Promise<T> | undefined;
  let stopped = false;

  const runOnce = (): Promise<T> => {
    running ??= opts
      .run({ logger, stopping: () => stopped })
      .catch((err: unknown) => {
        logger.warn({ err }, `${opts.name} pass failed; the next one tries again`);
        return opts.onFailure;
      })
      .finally(() => (running = undefined));
    return running;
  };

  const timer = setInterval(() => {
    if (!stopped) void runOnce();
  }, opts.intervalMs);
  timer.unref();

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
