import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A BullMQ prefix no other test file (or run) uses, so files can share Redis db 0 and run in parallel. */
export function uniqueQueuePrefix(label: string): string {
  return `test-exp-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Removes every key under a prefix (SCAN, never FLUSH: other test files share this Redis). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The logical Redis database the data-loss tests FLUSHDB. It is reserved for them: every other test uses db 0 with
 * its own key prefix, and FLUSHALL (or flushing db 0) would wipe tests running in parallel.
 */
export const FLUSHABLE_REDIS_DB = 13;
export const FLUSHABLE_REDIS_URL = (() => {
  const url = new URL(TEST_REDIS_URL);
  url.pathname = `/${FLUSHABLE_REDIS_DB}`;
  return url.toString();
})();

/**
 * Serialises the tests that flush FLUSHABLE_REDIS_DB across processes (two jest runs at once): the lock lives in db 0,
 * which is never flushed, and expires by itself if its holder dies.
 */
export async function withFlushableDbLock<T>(fn: () => Promise<T>, ttlMs = 180_000): Promise<T> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 3 });
  const key = `test-exp-lock:db${FLUSHABLE_REDIS_DB}`;
  const token = randomBytes(8).toString('hex');
  try {
    const deadline = Date.now() + ttlMs;
    while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new Error(`Redis db ${FLUSHABLE_REDIS_DB} stayed locked by another test run`);
      await sleep(250);
    }
    return await fn();
  } finally {
    if ((await redis.get(key)) === token) await redis.del(key);
    await redis.quit();
  }
}
