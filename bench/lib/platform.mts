import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startPlatform, ROOT, type Platform } from '../../scripts/platform/index.mjs';

/**
 * The services the scenarios exercise, plus payments, which consumes every order event as it would in production, and
 * catalog, which schedules the bench's event and consumes every listing change.
 */
export const BENCH_SERVICES = ['tickets', 'orders', 'expiration', 'payments', 'catalog'] as const;

/** Both services' default pool size (common's DB_POOL_SIZE default). */
export const SERVICE_POOL_SIZE = 10;

export interface BenchPlatform {
  catalogUrl: string;
  ticketsUrl: string;
  ordersUrl: string;
  databaseUrls: { tickets: string; orders: string };
  /** The orchestrator's own small pools, for seeding checks and watching effects; not the services'. */
  db: { tickets: pg.Pool; orders: pg.Pool };
  natsUrl: string;
  redisUrl: string;
  /** Prefix for Redis keys of our own (baselines); the isolated platform's namespace, or "bench" when attached. */
  redisNamespace: string;
  /** BullMQ prefix and queue of the expiration service (expiration/src/config.ts). */
  expirationQueue: { prefix: string; name: string };
  privateKey: string;
  /** Whether we started it (and so it is ours alone). */
  owned: boolean;
  /** The services' process ids (unknown when attached). */
  pids(): Record<string, number | undefined>;
  /** Our databases' names (for finding their backends' CPU use). */
  databaseNames: string[];
  stop(): Promise<void>;
}

function postgresUrl(database: string): string {
  const base = new URL(process.env.DATABASE_URL ?? `postgres://${process.env.PGUSER ?? 'postgres'}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? '5432'}/postgres`);
  base.pathname = `/${database}`;
  return base.toString();
}

function pools(urls: { tickets: string; orders: string }) {
  return { tickets: new pg.Pool({ connectionString: urls.tickets, max: 3 }), orders: new pg.Pool({ connectionString: urls.orders, max: 3 }) };
}

/**
 * Starts an isolated platform (free ports, its own databases `bench_<id>_*`, bus namespace and Redis prefix, all
 * removed at stop), so the bench never touches another engineer's `npm start` or tests. Service logs go to logFile.
 */
export async function startBenchPlatform(opts: { logFile: string; serviceEnv?: Record<string, Record<string, string>> }): Promise<BenchPlatform> {
  const ns = `bench_${randomBytes(3).toString('hex')}`;
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  fs.writeFileSync(opts.logFile, '');
  const platform: Platform = await startPlatform({
    port: 0,
    only: [...BENCH_SERVICES],
    databasePrefix: ns,
    busNamespace: ns,
    redisNamespace: ns,
    log: false,
    logFile: opts.logFile,
    serviceEnv: opts.serviceEnv,
    readyTimeoutMs: 120_000,
  });
  const url = (name: string) => platform.services.find((s) => s.name === name)!.url;
  const databaseUrls = { tickets: postgresUrl(platform.databases.tickets!), orders: postgresUrl(platform.databases.orders!) };
  const db = pools(databaseUrls);
  return {
    catalogUrl: url('catalog'),
    ticketsUrl: url('tickets'),
    ordersUrl: url('orders'),
    databaseUrls,
    db,
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisNamespace: ns,
    expirationQueue: { prefix: `${ns}:expiration`, name: 'order-holds' },
    privateKey: platform.keys.privateKey,
    owned: true,
    pids: () => Object.fromEntries(platform.services.map((svc) => [svc.name, svc.pid])),
    databaseNames: Object.values(platform.databases).filter((d): d is string => Boolean(d)),
    stop: async () => {
      await Promise.all([db.tickets.end(), db.orders.end()]);
      await platform.stop();
    },
  };
}

/**
 * A platform already running as `npm start` runs it: services on their default ports, databases ticketing_*, the empty
 * bus namespace, sessions signed with the key pair in .keys/. The bench adds listings and orders to it. For another
 * layout: BENCH_CATALOG_URL, BENCH_TICKETS_URL, BENCH_ORDERS_URL, BENCH_DATABASE_PREFIX, EXPIRATION_QUEUE_PREFIX.
 */
export function attachToRunningPlatform(): BenchPlatform {
  const prefix = process.env.BENCH_DATABASE_PREFIX ?? 'ticketing';
  const databaseUrls = { tickets: postgresUrl(`${prefix}_tickets`), orders: postgresUrl(`${prefix}_orders`) };
  const db = pools(databaseUrls);
  return {
    catalogUrl: process.env.BENCH_CATALOG_URL ?? 'http://127.0.0.1:3006',
    ticketsUrl: process.env.BENCH_TICKETS_URL ?? 'http://127.0.0.1:3002',
    ordersUrl: process.env.BENCH_ORDERS_URL ?? 'http://127.0.0.1:3003',
    databaseUrls,
    db,
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisNamespace: `bench_${randomBytes(3).toString('hex')}`,
    expirationQueue: { prefix: process.env.EXPIRATION_QUEUE_PREFIX ?? 'expiration', name: process.env.EXPIRATION_QUEUE_NAME ?? 'order-holds' },
    privateKey: fs.readFileSync(path.join(ROOT, '.keys', 'jwt-private.pem'), 'utf8'),
    owned: false,
    pids: () => ({}),
    databaseNames: [`${prefix}_tickets`, `${prefix}_orders`, `${prefix}_payments`, `${prefix}_catalog`],
    stop: async () => {
      await Promise.all([db.tickets.end(), db.orders.end()]);
    },
  };
}
