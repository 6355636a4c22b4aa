import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { createServiceApp, databaseReadiness, type HealthOptions, type Logger, type Pool } from '@ticketing/common';
import type { AuthConfig } from './config';
import { SignInRateLimiter } from './domain/signin-rate-limit';
import { usersRouter } from './routes/users.routes';

export interface AuthAppDeps {
  pool: Pool;
  redis: Redis;
  logger: Logger;
  config: AuthConfig;
  /** Readiness as runService builds it; tests default to the database, with Redis reported. */
  health?: HealthOptions;
}

export function buildApp({ pool, redis, logger, config, health }: AuthAppDeps): Express {
  const limiter = new SignInRateLimiter(
    redis,
    {
      maxFailuresPerEmail: config.SIGNIN_MAX_FAILURES_PER_EMAIL,
      maxAttemptsPerIp: config.SIGNIN_MAX_ATTEMPTS_PER_IP,
      windowSeconds: config.SIGNIN_WINDOW_SECONDS,
      keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
    },
    logger,
  );
  return createServiceApp({
    logger,
    jwtPublicKey: config.JWT_PUBLIC_KEY,
    production: config.NODE_ENV === 'production',
    // Redis only backs the sign-in rate limits, which fail open: its outage is reported, not a reason to stop routing.
    health: { ...(health ?? databaseReadiness(pool)), reported: { ...health?.reported, redis: () => redis.ping() } },
    routes: usersRouter({
      pool,
      limiter,
      logger,
      scrypt: { N: config.PASSWORD_SCRYPT_N, r: config.PASSWORD_SCRYPT_R, p: config.PASSWORD_SCRYPT_P },
      adminEmails: config.ADMIN_EMAILS,
      jwtPrivateKey: config.JWT_PRIVATE_KEY,
      sessionTtlSeconds: config.SESSION_TTL_SECONDS,
    }),
  });
}
