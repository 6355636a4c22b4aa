import type { RequestListener } from 'node:http';
import type { z } from 'zod';
import { connectBus, ensureStreams, natsHealthCheck, startOutboxRelay, type Bus } from '../bus';
import { loadConfigOrExit } from '../config/config';
import { runMigrations, type MigrationSource } from '../db/migrate';
import { createPool, type Pool } from '../db/pool';
import type { StreamKey } from '../events/contracts';
import { databaseReadiness, type HealthOptions } from '../http/health';
import { Lifecycle } from '../lifecycle/lifecycle';
import { createLogger, type Logger } from '../log/logger';
import { startConsumers, type ConsumerDeclaration } from './consumers';
import { drainDelayMs, type ServiceIdentity, type ServiceUses, type UsesShape } from './service-config';

/** What the composition root hands to the service's own parts: only what its uses declared. */
export type ServiceContext<U extends ServiceUses, S extends z.ZodRawShape> = {
  name: string;
  config: z.output<z.ZodObject<UsesShape<U> & S>>;
  logger: Logger;
  /** Closes a resource the service opened itself (after HTTP, background tasks and consumers have stopped). */
  onShutdown(name: string, close: () => Promise<unknown> | unknown): void;
} & (U['database'] extends true ? { pool: Pool } : unknown) &
  (U['bus'] extends true ? { bus: Bus } : unknown);

/** Something the service starts after its consumers and stops before them (timers, sweepers, workers). */
export interface BackgroundTask {
  name: string;
  start(): Promise<RunningTask> | RunningTask;
}
export interface RunningTask {
  stop(): Promise<unknown> | unknown;
  /** Readiness checks this task adds (its own store among `checks`, what it absorbs among `reported`). */
  readiness?: Readiness;
}

/**
 * Readiness means "can serve requests": only the service's own store is among `checks`. A bus or Redis outage is
 * absorbed (outbox, retries, fail-open limits) and is `reported` in the body and the logs, not a reason to be unready.
 */
export type Readiness = Partial<Pick<HealthOptions, 'checks' | 'reported'>>;

export interface ServiceParts {
  /** Transactional consumers (each with the inbox, in the service's database), started before HTTP. */
  consumers?: ConsumerDeclaration[];
  background?: BackgroundTask[];
  readiness?: Readiness;
  /** The HTTP app, given the readiness it must serve on /healthz. */
  http(health: HealthOptions): RequestListener;
  /** Extra fields for the "listening" log line. */
  describe?: Record<string, unknown>;
}

export interface ServiceDefinition<U extends ServiceUses, S extends z.ZodRawShape> {
  identity: ServiceIdentity<U, S>;
  /** Required when the service uses a database: its migrations (with common's outbox/inbox first when it uses the bus). */
  migrations?: string | MigrationSource | MigrationSource[];
  /** Streams it publishes to and reads from; ensured at start-up (idempotent, whichever service starts first). */
  streams?: StreamKey[];
  /** Longest graceful shutdown before the process exits anyway (default 15 s). */
  shutdownTimeoutMs?: number;
  compose(ctx: ServiceContext<U, S>): ServiceParts | Promise<ServiceParts>;
}

/** What runService reads of any service's config: the base fields, and those of the uses, present when declared. */
type AllUsesConfig = z.output<z.ZodObject<UsesShape<{ database: true; bus: true }>>>;
type BaseConfig = Pick<AllUsesConfig, 'NODE_ENV' | 'LOG_LEVEL' | 'PORT' | 'SHUTDOWN_DRAIN_SECONDS'> & Partial<AllUsesConfig>;

/**
 * Every service's composition root, the same way for all: config → logger → database → migrations → bus → streams →
 * outbox relay → the service's parts → consumers → background tasks → HTTP → readiness; SIGTERM runs it backwards
 * after the drain delay. A failure to start is logged and exits non-zero, so the orchestrator restarts the process.
 */
export function runService<U extends ServiceUses, S extends z.ZodRawShape>(def: ServiceDefinition<U, S>): void {
  const { name } = def.identity;
  start(def).catch((err: unknown) => {
    createLogger(name).fatal({ err }, `${name} failed to start`);
    process.exit(1);
  });
}

async function start<U extends ServiceUses, S extends z.ZodRawShape>(def: ServiceDefinition<U, S>): Promise<void> {
  const { name, uses } = def.identity;
  const config = loadConfigOrExit(def.identity.configSchema, name) as unknown as BaseConfig;
  const logger = createLogger(name, config.LOG_LEVEL);
  const lifecycle = new Lifecycle(logger, { drainDelayMs: drainDelayMs(config), timeoutMs: def.shutdownTimeoutMs });
  lifecycle.installSignalHandlers();
  const onShutdown = (what: string, close: () => Promise<unknown> | unknown) => lifecycle.onShutdown(what, close);
  const ctx: { name: string; config: BaseConfig; logger: Logger; onShutdown: typeof onShutdown; pool?: Pool; bus?: Bus } = { name, config, logger, onShutdown };
  const readiness: Required<Readiness> = { checks: {}, reported: {} };

  // Shutdown runs in reverse: server, background tasks, consumers, relay, bus, then the pool they all use.
  if (uses.database) {
    const pool = createPool(config.DATABASE_URL!, logger, { max: config.DB_POOL_SIZE, applicationName: name });
    lifecycle.onShutdown('database pool', () => pool.end());
    if (!def.migrations) throw new Error(`${name} uses a database but declares no migrations`);
    await runMigrations(pool, def.migrations, logger);
    Object.assign(readiness.checks, databaseReadiness(pool).checks);
    ctx.pool = pool;
  }
  if (uses.bus) {
    const bus = await connectBus({ url: config.NATS_URL!, name, namespace: config.BUS_NAMESPACE, logger });
    lifecycle.onShutdown('nats', () => bus.close());
    await ensureStreams(bus, def.streams ?? []);
    readiness.reported.nats = natsHealthCheck(bus);
    ctx.bus = bus;
    if (ctx.pool) {
      const relay = startOutboxRelay({ pool: ctx.pool, bus, logger });
      lifecycle.onShutdown('outbox relay', () => relay.stop());
    }
  }

  const parts = await def.compose(ctx as unknown as ServiceContext<U, S>);
  if (parts.consumers?.length) {
    if (!ctx.pool || !ctx.bus) throw new Error(`${name}: transactional consumers need a database and the bus`);
    const faults = { ackBeforeCommit: config.TICKETING_FAULT_INJECTION === 'ack-before-commit' };
    const consumers = await startConsumers(parts.consumers, { service: name, bus: ctx.bus, pool: ctx.pool, logger, faults });
    lifecycle.onShutdown('consumers', () => consumers.stop());
  }
  for (const task of parts.background ?? []) {
    const running = await task.start();
    lifecycle.onShutdown(task.name, () => running.stop());
    Object.assign(readiness.checks, running.readiness?.checks);
    Object.assign(readiness.reported, running.readiness?.reported);
  }
  Object.assign(readiness.checks, parts.readiness?.checks);
  Object.assign(readiness.reported, parts.readiness?.reported);

  const app = parts.http({ ...readiness, isAccepting: lifecycle.isAccepting });
  await lifecycle.listen(app, config.PORT);
  logger.info({ port: config.PORT, ...parts.describe }, `${name} listening`);
}
