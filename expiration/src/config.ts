import { z } from 'zod';
import { configFields } from '@ticketing/common';

const count = (fallback: number) => z.coerce.number({ error: 'a whole number greater than 0' }).int().positive().default(fallback);

/** Every variable expiration reads; docs/services/expiration.md describes each one. It has no routes, so no JWT key. */
export const expirationConfigSchema = z.object({
  NODE_ENV: configFields.NODE_ENV,
  LOG_LEVEL: configFields.LOG_LEVEL,
  PORT: configFields.port(3004),
  NATS_URL: configFields.NATS_URL,
  /** Prefixes stream names and subjects; tests set a unique one. */
  BUS_NAMESPACE: z.string().default(''),
  REDIS_URL: configFields.REDIS_URL,
  /** BullMQ key prefix: every Redis key this service writes starts with it, so deployments and tests can share a Redis. */
  EXPIRATION_QUEUE_PREFIX: z.string().min(1).default('expiration'),
  EXPIRATION_QUEUE_NAME: z.string().min(1).default('order-holds'),
  /**
   * How far back recovery replays order events when Redis has lost its data. Must exceed the longest hold
   * (orders' ORDER_EXPIRATION_SECONDS, 900 by default) plus the time the service might take to notice the loss.
   */
  EXPIRATION_REPLAY_WINDOW_SECONDS: configFields.seconds(1800),
  /** How often the state marker is checked; a missing marker means Redis lost its data and triggers recovery. */
  EXPIRATION_STATE_CHECK_SECONDS: configFields.seconds(5),
  /** Jobs firing at the same moment are published in parallel, so a burst of holds does not queue behind PubAcks. */
  EXPIRATION_WORKER_CONCURRENCY: count(50),
});

export type ExpirationConfig = z.output<typeof expirationConfigSchema>;
