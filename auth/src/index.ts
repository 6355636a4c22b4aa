import path from 'node:path';
import { Redis } from 'ioredis';
import { createLogger, createPool, Lifecycle, loadConfigOrExit, runMigrations } from '@ticketing/common';
import { authConfigSchema } from './config';
import { buildApp } from './app';

const SERVICE = 'auth';
// Both from src/ (tsx) and dist/ (node) the migrations folder is one level up.
const MIGRATIONS_DIR = path.join(__dirname, '../migrations');

async function main(): Promise<void> {
  const config = loadConfigOrExit(authConfigSchema, SERVICE);
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  const lifecycle = new Lifecycle(logger);
  lifecycle.installSignalHandlers();

  const pool = createPool(config.DATABASE_URL, logger, { applicationName: SERVICE });
  lifecycle.onShutdown('database pool', () => pool.end());
  // auth publishes and consumes no events, so it has no outbox/inbox tables: only its own migrations.
  await runMigrations(pool, { dir: MIGRATIONS_DIR }, logger);

  // No offline queue and a short command timeout: while Redis is away, rate-limit checks fail fast (and fail open)
  // instead of piling up behind the reconnect.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 });
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
  lifecycle.onShutdown('redis', () => (redis.status === 'ready' ? redis.quit() : redis.disconnect()));
  await redis.connect().catch(() => undefined); // not fatal: reported above, retried in the background, readiness says down

  const app = buildApp({ pool, redis, logger, config, isAccepting: lifecycle.isAccepting });
  await lifecycle.listen(app, config.PORT);
  logger.info({ port: config.PORT }, 'auth listening');
}

main().catch((err: unknown) => {
  createLogger(SERVICE).fatal({ err }, 'auth failed to start');
  process.exit(1);
});
