import { z } from 'zod';
import { configFields } from '../config/config';

/** What a service uses; each use brings its environment variables, spelled the same in every service. */
export interface ServiceUses {
  /** Its own PostgreSQL database: DATABASE_URL, DB_POOL_SIZE. */
  database?: boolean;
  /** NATS JetStream: NATS_URL, BUS_NAMESPACE, TICKETING_FAULT_INJECTION. */
  bus?: boolean;
  /** Redis: REDIS_URL. */
  redis?: boolean;
  /** Public routes that read the session cookie: JWT_PUBLIC_KEY. */
  sessions?: boolean;
}

const wholeNumber = (what: string) => z.coerce.number({ error: what }).int();

const baseFields = (port: number) => ({
  NODE_ENV: configFields.NODE_ENV,
  LOG_LEVEL: configFields.LOG_LEVEL,
  PORT: configFields.port(port),
  /**
   * How long readiness fails before the listener closes on SIGTERM, so load balancers stop routing first. Unset: 5 s
   * in production, none elsewhere.
   */
  SHUTDOWN_DRAIN_SECONDS: wholeNumber('a number of seconds').min(0).max(120).optional(),
});

const databaseFields = {
  DATABASE_URL: configFields.DATABASE_URL,
  DB_POOL_SIZE: wholeNumber('a number of connections').min(1).max(200).default(10),
};

const busFields = {
  NATS_URL: configFields.NATS_URL,
  /** Prefixes stream names and subjects so several test runs (or environments) can share one NATS. */
  BUS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'must be letters, digits, "_" or "-"')
    .default(''),
  /** Test-only bug switch for the fault suite (docs/faults.md); refused in production. */
  TICKETING_FAULT_INJECTION: z.enum(['ack-before-commit'], { error: 'ack-before-commit (fault suite only)' }).optional(),
};

const redisFields = { REDIS_URL: configFields.REDIS_URL };
const sessionFields = { JWT_PUBLIC_KEY: configFields.JWT_PUBLIC_KEY };

type BaseShape = ReturnType<typeof baseFields>;
type If<Flag, Shape> = Flag extends true ? Shape : unknown;
export type UsesShape<U extends ServiceUses> = BaseShape &
  If<U['database'], typeof databaseFields> &
  If<U['bus'], typeof busFields> &
  If<U['redis'], typeof redisFields> &
  If<U['sessions'], typeof sessionFields>;

export interface ServiceIdentity<U extends ServiceUses, S extends z.ZodRawShape> {
  /** Process name in logs, the durable consumers' name, the database's application_name. */
  name: string;
  /** Default HTTP port (the service table, scripts/services.cjs, has the same; the manifests test checks it). */
  port: number;
  uses: U;
  /** Every variable the service reads: the uses' fields and its own. */
  configSchema: z.ZodObject<UsesShape<U> & S>;
}

export type ServiceConfig<I> = I extends ServiceIdentity<infer _U, infer _S> ? z.output<I['configSchema']> : never;

/**
 * Who a service is and what it reads from the environment, declared once in its `src/config.ts`: `runService` starts
 * what the uses name, tests and the manifests test read the same schema.
 */
export function defineService<const U extends ServiceUses, S extends z.ZodRawShape = Record<never, never>>(def: {
  name: string;
  port: number;
  uses: U;
  config?: S;
}): ServiceIdentity<U, S> {
  const shape = {
    ...baseFields(def.port),
    ...(def.uses.database && databaseFields),
    ...(def.uses.bus && busFields),
    ...(def.uses.redis && redisFields),
    ...(def.uses.sessions && sessionFields),
    ...def.config,
  };
  const schema = z.object(shape).superRefine((env, ctx) => {
    const e = env as { NODE_ENV: string; TICKETING_FAULT_INJECTION?: string };
    if (e.NODE_ENV === 'production' && e.TICKETING_FAULT_INJECTION) {
      ctx.addIssue({ code: 'custom', path: ['TICKETING_FAULT_INJECTION'], message: 'must not be set in production (it plants a bug on purpose)' });
    }
  });
  return { name: def.name, port: def.port, uses: def.uses, configSchema: schema as unknown as z.ZodObject<UsesShape<U> & S> };
}

/** The drain delay the composition root waits on SIGTERM before closing the listener. */
export function drainDelayMs(config: { NODE_ENV: string; SHUTDOWN_DRAIN_SECONDS?: number }): number {
  return (config.SHUTDOWN_DRAIN_SECONDS ?? (config.NODE_ENV === 'production' ? 5 : 0)) * 1000;
}
