import path from 'node:path';
import { runService } from '@ticketing/common';
import { buildApp } from './app';
import { authService } from './config';
import { connectRateLimitRedis } from './data/redis-client';

runService({
  identity: authService,
  // auth publishes and consumes no events, so no outbox/inbox tables: only its own migrations (one level up from
  // both src/ under tsx and dist/ under node).
  migrations: path.join(__dirname, '../migrations'),
  compose: async ({ config, pool, logger, onShutdown }) => {
    const { redis, close } = await connectRateLimitRedis(config.REDIS_URL, logger);
    onShutdown('redis', close);
    return { http: (health) => buildApp({ pool, redis, logger, config, health }) };
  },
});
