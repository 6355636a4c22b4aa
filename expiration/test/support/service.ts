import { connectBus, createLogger, ensureStreams, loadConfig } from '@ticketing/common';
import { configSchema, expirationService, type ExpirationConfig } from '../../src/config';
import { startExpiration, type ExpirationService, type ExpirationServiceOptions } from '../../src/expiration-service';
import { TEST_REDIS_URL } from './redis';

export const quietLogger = createLogger('expiration-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** The service's config as its environment would give it, with the test's namespace, prefix and Redis. */
export function testConfig(env: { BUS_NAMESPACE: string; EXPIRATION_QUEUE_PREFIX: string; NATS_URL?: string; REDIS_URL?: string } & Record<string, string | undefined>): ExpirationConfig {
  return loadConfig(configSchema, { REDIS_URL: TEST_REDIS_URL, EXPIRATION_STATE_CHECK_SECONDS: '1', LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env });
}

/** A whole expiration instance in-process (no HTTP): what index.ts starts, minus the listener, with a bus of its own. */
export async function startTestService(config: ExpirationConfig, opts: ExpirationServiceOptions = { retryBaseMs: 100, retryCapMs: 1000 }): Promise<ExpirationService> {
  const bus = await connectBus({ url: config.NATS_URL, name: expirationService.name, namespace: config.BUS_NAMESPACE, logger: quietLogger });
  try {
    await ensureStreams(bus, ['EXPIRATION', 'ORDERS']);
    const service = await startExpiration({ config, bus, logger: quietLogger }, opts);
    return { ...service, stop: () => service.stop().finally(() => bus.close()) };
  } catch (err) {
    await bus.close();
    throw err;
  }
}

/** Millisecond statistics for the report: p50/p99/max of a sample. */
export function percentiles(samples: number[]): { n: number; p50: number; p99: number; max: number; min: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]!, min: sorted[0]! };
}
