import type { Redis } from 'ioredis';

/**
 * Fixed-window counter in one atomic step: INCR, and start the window's expiry if the key has none (a new key, or
 * one that somehow lost its TTL, which would otherwise lock its holder out forever). Returns [count, secondsLeft].
 */
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

export interface CounterHit {
  count: number;
  secondsLeft: number;
}

/** Counts one event against `key` in a window of `windowSeconds` starting at the first event. */
export async function hitCounter(redis: Redis, key: string, windowSeconds: number): Promise<CounterHit> {
  const [count, secondsLeft] = (await redis.eval(HIT_SCRIPT, 1, key, String(windowSeconds))) as [number, number];
  return { count, secondsLeft };
}

export async function clearCounter(redis: Redis, key: string): Promise<void> {
  await redis.del(key);
}
