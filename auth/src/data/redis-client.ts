import { Redis } from 'ioredis';
import type { Logger } from '@ticketing/common';

/**
 * The rate limiter's Redis. No offline queue and a short command timeout: while Redis is away, rate-limit checks fail
 * fast (and fail open) instead of piling up behind the reconnect. Not fatal at start-up: retried in the background,
 * and readiness reports it.
 */
export async function connectRateLimitRedis(url: string, logger: Logger): Promise<{ redis: Redis; close: () => Promise<unknown> }> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 });
  // One warning per outage, not one per reconnect attempt.
  let redisUp = true;
  redis.on('error', (err) => {
    if (redisUp) logger.warn({ err }, 'redis unreachable; sign-in rate limits fail open until it is back');
    redisUp = false;
  });
  redis.on('ready', () => {
    if (!redisUp) logger.info('redis reachable again');
    redisUp = true;
  });
  await redis.connect().catch(() => undefined);
  return { redis, close: async () => (redis.status === 'ready' ? redis.quit() : redis.disconnect()) };
}
