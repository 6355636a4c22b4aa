import {
  natsHealthCheck,
  connectBus,
  createLogger,
  createPool,
  ensureStreams,
  Lifecycle,
  pingDatabase,
  runMigrations,
  startOutboxRelay,
} from '@ticketing/common';
import { buildApp } from './app';
import { loadTicketsConfig } from './config';
import { startOrdersConsumer } from './events/orders.consumer';
import { TICKETS_MIGRATIONS } from './migrations';
import { FirstPageCache } from './routes/first-page-cache';

/** Composition root: config → logger → pool → migrations → bus → streams → relay → consumer → HTTP. */
async function main(): Promise<void> {
  const config = loadTicketsConfig();
  const logger = createLogger('tickets', config.LOG_LEVEL);
  const lifecycle = new Lifecycle(logger, { drainDelayMs: config.NODE_ENV === 'production' ? 5000 : 0 });
  lifecycle.installSignalHandlers();

  const pool = createPool(config.DATABASE_URL, logger, { applicationName: 'tickets' });
  lifecycle.onShutdown('database pool', () => pool.end());
  await runMigrations(pool, TICKETS_MIGRATIONS, logger);

  const bus = await connectBus({ url: config.NATS_URL, name: 'tickets', namespace: config.BUS_NAMESPACE, logger });
  lifecycle.onShutdown('nats', () => bus.close());
  // The stream we publish to and the one we read from; idempotent, whichever service starts first creates them.
  await ensureStreams(bus, ['TICKETS', 'ORDERS']);

  const relay = startOutboxRelay({ pool, bus, logger });
  lifecycle.onShutdown('outbox relay', () => relay.stop());
  const firstPageCache = new FirstPageCache();
  const consumer = await startOrdersConsumer({ bus, pool, logger, onTicketChange: () => firstPageCache.invalidate() });
  lifecycle.onShutdown('orders consumer', () => consumer.stop());

  const app = buildApp({
    pool,
    logger,
    jwtPublicKey: config.JWT_PUBLIC_KEY,
    production: config.NODE_ENV === 'production',
    isAccepting: lifecycle.isAccepting,
    firstPageCache,
    checks: {
      db: () => pingDatabase(pool),
      nats: natsHealthCheck(bus),
    },
  });
  await lifecycle.listen(app, config.PORT);
  logger.info({ port: config.PORT }, 'tickets listening');
}

main().catch((err: unknown) => {
  // The logger may not exist yet (or be the failure); write plainly and exit non-zero so the orchestrator restarts us.
  process.stderr.write(`tickets: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
