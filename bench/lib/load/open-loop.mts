import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs } from '../protocol.mjs';

/**
 * Starts operation i at start + i / ratePerSec whatever became of the earlier ones (open loop: a slow system does
 * not lower the offered load), passing each its due time, from which its latency counts. Returns the start and what
 * each `start` call returned (typically its promise), once the last one has been started.
 */
export async function startAtRate<T>(ratePerSec: number, count: number, start: (index: number, dueAt: number) => T): Promise<{ startedAt: number; started: T[] }> {
  const startedAt = nowMs() + 20;
  const intervalMs = 1000 / ratePerSec;
  const started: T[] = [];
  for (let i = 0; i < count; i++) {
    const dueAt = startedAt + i * intervalMs;
    const wait = dueAt - nowMs();
    if (wait > 1) await sleep(wait);
    started.push(start(i, dueAt));
  }
  return { startedAt, started };
}
