import {
  natsHealthCheck,
  connectBus,
  createLogger,
  createPool,
  ensureStreams,
  Lifecycle,
  loadConfigOrExit,
  runMigrations,
  startOutboxRelay,
} from '@ticketing/common';
import { buildApp } from './app';
import { configSchema } from './config';
import { startPaymentsSweeper } from './domain/payments-sweeper';
import { startOrdersConsumer } from './events/orders.consumer';
import { createGateway } from './gateways/create-gateway';
import { PAYMENTS_MIGRATIONS } from './migrations';

/** Composition root: config → logger → pool → migrations → bus → streams → relay → consumer → sweeper → HTTP. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema, 'payments');
  const logger = createLogger('payments', config.LOG_LEVEL);
  const lifecycle = new Lifecycle(logger, { drainDelayMs: config.NODE_ENV === 'production' ? 5000 : 0 });
  lifecycle.installSignalHandlers();

  const pool = createPool(config.DATABASE_URL, logger, { max: config.DB_POOL_SIZE, applicationName: 'payments' });
  lifecycle.onShutdown('database pool', () => pool.end());
  await runMigrations(pool, PAYMENTS_MIGRATIONS, logger);

  const gateway = createGateway(config, pool, logger);

  const bus = await connectBus({ url: config.NATS_URL, name: 'payments', namespace: config.BUS_NAMESPACE, logger });
  lifecycle.onShutdown('nats', () => bus.close());
  await ensureStreams(bus, ['PAYMENTS', 'ORDERS']);

  const relay = startOutboxRelay({ pool, bus, logger });
  lifecycle.onShutdown('outbox relay', () => relay.stop());

  const consumer = await startOrdersConsumer({ bus, pool, logger, refunds: { pool, gateway, logger } });
  lifecycle.onShutdown('orders consumer', () => consumer.stop());

  const sweeper = startPaymentsSweeper({
    pool,
    gateway,
    logger,
    intervalMs: config.PAYMENTS_SWEEP_INTERVAL_SECONDS * 1000,
    staleAttemptMs: config.PAYMENTS_STALE_ATTEMPT_SECONDS * 1000,
  });
  lifecycle.onShutdown('payments sweeper', () => sweeper.stop());

  const app = buildApp({
    pool,
    logger,
    jwtPublicKey: config.JWT_PUBLIC_KEY,
    gateway,
    currency: config.PAYMENT_CURRENCY,
    production: config.NODE_ENV === 'production',
    healthChecks: { nats: natsHealthCheck(bus) },
    isAccepting: lifecycle.isAccepting,
  });
  await lifecycle.listen(app, config.PORT);
  logger.info({ port: config.PORT, gateway: gateway.name, currency: config.PAYMENT_CURRENCY }, 'payments listening');
}

main().catch((err: unknown) => {
  createLogger('payments').fatal({ err }, 'payments failed to start');
  process.exit(1);
});
