import { z } from 'zod';
import { configFields, defineService, type ServiceConfig } from '@ticketing/common';

const count = (fallback: number) => z.coerce.number({ error: 'a whole number greater than 0' }).int().positive().default(fallback);

/** Who expiration is and every variable it reads (docs/services/expiration.md). It has no routes, so no JWT key. */
export const expirationService = defineService({
  name: 'expiration',
  port: 3004,
  uses: { bus: true, redis: true },
  config: {
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
  },
});

export const configSchema = expirationService.configSchema;
export type ExpirationConfig = ServiceConfig<typeof expirationService>;
