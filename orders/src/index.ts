import { connectBus, createLogger, createPool, ensureStreams, Lifecycle, loadConfigOrExit, natsHealthCheck, runMigrations, startOutboxRelay } from '@ticketing/common';
import { buildApp } from './app';
import { configSchema } from './config';
import { ORDERS_SERVICE, ORDERS_STREAMS, startOrdersConsumers } from './events/consumers';
import { ORDERS_MIGRATIONS } from './migrations';

/** Composition root: config → logger → pool → migrations → bus → streams → relay → consumers → HTTP. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema, ORDERS_SERVICE);
  const logger = createLogger(ORDERS_SERVICE, config.LOG_LEVEL);
  const lifecycle = new Lifecycle(logger, { drainDelayMs: config.NODE_ENV === 'production' ? 5000 : 0 });
  lifecycle.installSignalHandlers();

  // Shutdown runs in reverse: server, consumers, relay, bus, then the pool they all use.
  const pool = createPool(config.DATABASE_URL, logger, { max: config.DB_POOL_SIZE, applicationName: ORDERS_SERVICE });
  lifecycle.onShutdown('database pool', () => pool.end());
  await runMigrations(pool, ORDERS_MIGRATIONS, logger);

  const bus = await connectBus({ url: config.NATS_URL, name: ORDERS_SERVICE, namespace: config.BUS_NAMESPACE, logger });
  lifecycle.onShutdown('nats', () => bus.close());
  // Idempotent: whichever service starts first creates the streams.
  await ensureStreams(bus, ORDERS_STREAMS);

  const relay = startOutboxRelay({ pool, bus, logger });
  lifecycle.onShutdown('outbox relay', () => relay.stop());
  const consumers = await startOrdersConsumers({ bus, pool, logger });
  lifecycle.onShutdown('consumers', () => consumers.stop());

  const app = buildApp({
    pool,
    logger,
    jwtPublicKey: config.JWT_PUBLIC_KEY,
    orderExpirationSeconds: config.ORDER_EXPIRATION_SECONDS,
    production: config.NODE_ENV === 'production',
    isAccepting: lifecycle.isAccepting,
    healthChecks: { nats: natsHealthCheck(bus) },
  });
  await lifecycle.listen(app, config.PORT);
  logger.info({ port: config.PORT, holdSeconds: config.ORDER_EXPIRATION_SECONDS }, 'orders listening');
}

main().catch((err: unknown) => {
  // The logger may be what failed; write plainly and exit non-zero so the orchestrator restarts us.
  process.stderr.write(`orders: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
