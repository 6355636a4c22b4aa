import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Express } from 'express';
import { createLogger, loadConfig } from '@ticketing/common';
import { createTestDatabase, testKeys, type TestDatabase } from '@ticketing/common/testing';
import { configSchema, type AuthConfig } from '../src/config';
import { buildApp } from '../src/app';

export const MIGRATIONS_DIR = path.join(__dirname, '../migrations');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Environment for a test app: the shared test keys, cheap scrypt (hashes stay real, just faster), a unique Redis prefix. */
export function testEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    REDIS_URL,
    JWT_PUBLIC_KEY: testKeys().publicKey,
    JWT_PRIVATE_KEY: testKeys().privateKey,
    PASSWORD_SCRYPT_N: '4096',
    PASSWORD_SCRYPT_P: '1',
    RATE_LIMIT_KEY_PREFIX: `test:auth:${randomBytes(6).toString('hex')}:`,
    ...extra,
  };
}

export interface AuthHarness {
  db: TestDatabase;
  redis: Redis;
  /** Builds an app over the shared database and Redis; `extra` overrides env variables (same prefix unless given). */
  app: (extra?: Record<string, string>) => Express;
  config: AuthConfig;
  close: () => Promise<void>;
}

export function testRedis(url = REDIS_URL): Redis {
  return new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 });
}

/** A fresh database and Redis namespace for one test file; close() drops both. */
export async function createAuthHarness(extra: Record<string, string> = {}): Promise<AuthHarness> {
  const db = await createTestDatabase(MIGRATIONS_DIR, 'auth');
  const redis = testRedis();
  await redis.connect();
  const env = testEnv(db, extra);
  const config = loadConfig(configSchema, env);
  const logger = createLogger('auth-test', 'silent');
  return {
    db,
    redis,
    config,
    app: (more = {}) => buildApp({ pool: db.pool, redis, logger, config: loadConfig(configSchema, { ...env, ...more }) }),
    close: async () => {
      await deleteKeys(redis, env.RATE_LIMIT_KEY_PREFIX!);
      await redis.quit();
      await db.drop();
    },
  };
}

/**
 * The harness of one test file, created before its first test and closed after its last (the Jest hooks are
 * registered here). Its members may be used from the file's beforeAll on.
 */
export function authHarnessForFile(extra: Record<string, string> = {}): AuthHarness {
  let harness: AuthHarness | undefined;
  beforeAll(async () => {
    harness = await createAuthHarness(extra);
  });
  afterAll(() => harness?.close());
  const current = (): AuthHarness => {
    if (!harness) throw new Error('the auth harness is created in beforeAll: use it in a hook or a test');
    return harness;
  };
  return {
    get db() {
      return current().db;
    },
    get redis() {
      return current().redis;
    },
    get config() {
      return current().config;
    },
    app: (more) => current().app(more),
    close: () => current().close(),
  };
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export const uniqueEmail = (tag = 'user'): string => `${tag}-${randomBytes(5).toString('hex')}@example.test`;

/** The session cookie (name=value) from a response, for sending it back. */
export function sessionCookie(setCookie: string[] | string | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const cookie = list.find((c) => c.startsWith('session='));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(list)}`);
  return cookie.split(';')[0]!;
}
