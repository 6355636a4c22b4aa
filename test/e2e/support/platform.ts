// The platform under test, started the way `npm start` starts it through the platform's programmatic starter
// (scripts/platform/process.cjs: isolated ports, databases, bus and Redis namespaces, cleaned up at stop), or an
// already running one at E2E_BASE_URL.
import path from 'node:path';
import { ROOT, SERVICES, startPlatform, type ServiceName } from '../../support/platform-runner';

export interface RunningPlatform {
  url: string;
  stop(): Promise<void>;
  /** Only for a platform this suite started (not with E2E_BASE_URL). */
  stopService?(name: ServiceName): Promise<void>;
  startService?(name: ServiceName): Promise<void>;
}

/** The browser flows need every service, the client included. */
const NEEDED = SERVICES.map((s) => s.name);

interface E2EPlatformOptions {
  env: Record<string, string>;
  startTimeoutMs: number;
  /** Names the log file: test-artifacts/<name>-platform.log. */
  name: string;
  /** false when the suite needs an environment of its own, which a platform already running would not have. */
  acceptExternal: boolean;
}

export async function startPlatformForE2E({ env, startTimeoutMs, name, acceptExternal }: E2EPlatformOptions): Promise<RunningPlatform> {
  const external = process.env.E2E_BASE_URL?.replace(/\/+$/, '');
  if (external && acceptExternal) return { url: external, stop: async () => {} };

  const logFile = path.join(ROOT, 'test-artifacts', `${name}-platform.log`);
  const platform = await startPlatform({ env, logFile, startTimeoutMs });
  const missing = NEEDED.filter((n) => !platform.services.some((s) => s.name === n));
  if (missing.length) {
    await platform.stop();
    const why = platform.skipped.map((s) => `${s.name}: ${s.why}`).join('; ');
    throw new Error(`The platform started without ${missing.join(', ')} (${why}); the browser flows need every service.`);
  }
  return {
    url: platform.url,
    stop: () => platform.stop(),
    stopService: (service) => platform.stopService(service),
    startService: (service) => platform.startService(service),
  };
}
