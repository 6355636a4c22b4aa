import { createLogger, Lifecycle, loadConfigOrExit } from '@ticketing/common';
import { expirationConfigSchema } from './config';
import { buildApp } from './app';
import { startExpirationService } from './expiration-service';

// Composition root: config → logger → Redis + bus → streams → worker → consumer → recovery → health server.
async function main(): Promise<void> {
  const config = loadConfigOrExit(expirationConfigSchema, 'expiration');
  const logger = createLogger('expiration', config.LOG_LEVEL);
  const lifecycle = new Lifecycle(logger, { drainDelayMs: config.NODE_ENV === 'production' ? 5000 : 0, timeoutMs: 20_000 });
  lifecycle.installSignalHandlers();

  const service = await startExpirationService(config, logger);
  lifecycle.onShutdown('expiration service', () => service.stop());

  const app = buildApp({ logger, health: { checks: service.health, isAccepting: lifecycle.isAccepting } });
  await lifecycle.listen(app, config.PORT);
  logger.info({ port: config.PORT }, 'expiration listening (health only)');
}

main().catch((err: unknown) => {
  createLogger('expiration').fatal({ err }, 'expiration failed to start');
  process.exit(1);
});
