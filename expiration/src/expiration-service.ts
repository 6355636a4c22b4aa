import { Redis } from 'ioredis';
import { natsHealthCheck, publishEvent, startPlainConsumer, type Bus, type Logger, type Readiness } from '@ticketing/common';
import { expirationService, type ExpirationConfig } from './config';
import { HoldTimers } from './queue/hold-timers';
import { startExpirationWorker } from './queue/expiration-worker';
import { orderCreatedListener } from './events/order-created.listener';
import { orderCancelledListener } from './events/order-cancelled.listener';
import { orderCompletedListener } from './events/order-completed.listener';
import { StateRecovery } from './recovery/state-recovery';

export interface ExpirationService {
  timers: HoldTimers;
  recovery: StateRecovery;
  /** Redis holds the timers (its own store): ready while it answers; a NATS outage is absorbed (jobs retry) and reported. */
  readiness: Required<Readiness>;
  /** Worker first (its active jobs finish), then the consumer, recovery, queue and Redis; the bus is the caller's. Idempotent. */
  stop(): Promise<void>;
}

export interface ExpirationServiceOptions {
  /** Worker retry back-off; tests shorten it. */
  retryBaseMs?: number;
  retryCapMs?: number;
}

/** Everything but HTTP and the bus connection, so tests can start and stop whole instances in-process. */
export async function startExpiration(
  { config, bus, logger }: { config: ExpirationConfig; bus: Bus; logger: Logger },
  opts: ExpirationServiceOptions = {},
): Promise<ExpirationService> {
  // Commands fail after a few retries while Redis is down, so an event handler fails (and the event is redelivered)
  // instead of hanging; BullMQ's worker needs a connection that retries forever.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  const workerRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  for (const [name, client] of [['commands', redis], ['worker', workerRedis]] as const) {
    client.on('error', (err) => logger.warn({ err: err.message, connection: name }, 'Redis connection error'));
  }
  const closeRedis = async () => {
    await Promise.allSettled([redis.quit(), workerRedis.quit()]);
  };

  const connectedBus = bus;

  const prefix = config.EXPIRATION_QUEUE_PREFIX;
  const queueName = config.EXPIRATION_QUEUE_NAME;
  const timers = new HoldTimers({
    redis,
    prefix,
    queueName,
    // Outlasts both redelivery of order.created and recovery's replay of it.
    doneTtlSeconds: 2 * config.EXPIRATION_REPLAY_WINDOW_SECONDS,
    logger,
  });
  const worker = startExpirationWorker({
    connection: workerRedis,
    timers,
    prefix,
    queueName,
    concurrency: config.EXPIRATION_WORKER_CONCURRENCY,
    logger,
    retryBaseMs: opts.retryBaseMs,
    retryCapMs: opts.retryCapMs,
    publish: async (orderId, eventId) => {
      // While disconnected a publish would sit in the client's buffer until its timeout and then fail anyway (the
      // reconnect does not rescue it); failing at once lets the back-off retry soon after NATS returns.
      if (!connectedBus.isConnected()) throw new Error('NATS is not connected');
      await publishEvent(connectedBus, 'expiration.completed', { orderId }, { eventId });
    },
  });
  const consumer = await startPlainConsumer({
    bus: connectedBus,
    logger,
    service: expirationService.name,
    stream: 'ORDERS',
    // Handlers fail only while Redis is unreachable; with no database to fall back on, an order.created given up on
    // would be a hold that never expires here (recovery replays only when Redis lost its data). About a week at 60 s.
    maxDeliver: 10_000,
    handlers: {
      'order.created': orderCreatedListener(timers, logger),
      'order.cancelled': orderCancelledListener(timers, logger),
      'order.completed': orderCompletedListener(timers, logger),
    },
  });
  const recovery = new StateRecovery({
    bus: connectedBus,
    redis,
    timers,
    replayWindowSeconds: config.EXPIRATION_REPLAY_WINDOW_SECONDS,
    checkIntervalSeconds: config.EXPIRATION_STATE_CHECK_SECONDS,
    logger,
  });
  await recovery.start();

  let stopping: Promise<void> | undefined;
  const stopInOrder = async () => {
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['worker', () => worker.close()],
      ['consumer', () => consumer.stop()],
      ['recovery', () => recovery.stop()],
      ['queue', () => timers.close()],
      ['redis', closeRedis],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        logger.error({ err, resource: name }, 'failed to close cleanly');
      }
    }
  };

  return {
    timers,
    recovery,
    readiness: {
      checks: { redis: () => redis.ping() },
      reported: { nats: natsHealthCheck(connectedBus) },
    },
    stop: () => (stopping ??= stopInOrder()),
  };
}
