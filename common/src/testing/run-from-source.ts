import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port';
import { testKeys } from './session';

const ROOT = path.join(__dirname, '../../..');

/** The tsconfig that lets tsx run a service's src/index.ts with @ticketing/common taken from common/src. */
export const RUN_FROM_SOURCE_TSCONFIG = path.join(ROOT, 'tsconfig.run-from-source.json');

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** Its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends the signal unless it has exited already; resolves with how it ended. */
  stop: (signal: 'SIGTERM' | 'SIGKILL') => Promise<ServiceExit>;
}

/**
 * A service's real composition root (e.g. 'orders/src/index.ts') as a separate process, from TypeScript. node itself
 * runs with tsx as a loader, not the tsx CLI: the CLI runs the script in a grandchild that a SIGKILL of the CLI would
 * leave running. Only PATH is inherited; pass everything else the service needs in env.
 */
export function startServiceProcess(entry: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TSX_TSCONFIG_PATH: RUN_FROM_SOURCE_TSCONFIG, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise<ServiceExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const stop = (signal: 'SIGTERM' | 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return ended;
  };
  return { child, output: () => out, exited: ended.then(({ code }) => code), stop };
}

/**
 * Resolves once GET `url` (its readiness route) answers 200. Rejects with the process's output as soon as it exits,
 * or after `timeoutMs`, when it is SIGKILLed so that no test leaves it running.
 */
export async function waitUntilReady(service: ServiceProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { exitCode, signalCode } = service.child;
    if (exitCode !== null || signalCode !== null) throw new Error(`the service exited (${signalCode ?? exitCode}) before ${url} answered:\n${service.output()}`);
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    if (Date.now() > deadline) {
      service.child.kill('SIGKILL');
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${service.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A composition root from source on a free port of its own; `url(path)` addresses it. */
export interface ServiceOnPort extends ServiceProcess {
  port: number;
  url: (urlPath: string) => string;
}

/** Starts `entry` on a free port (LOG_LEVEL info unless env says otherwise); does not wait for it. */
export async function startServiceOnPort(entry: string, env: Record<string, string>): Promise<ServiceOnPort> {
  const port = await freePort();
  const started = startServiceProcess(entry, { PORT: String(port), LOG_LEVEL: 'info', ...env });
  return { ...started, port, url: (urlPath) => `http://127.0.0.1:${port}${urlPath}` };
}

/** Starts `entry` on a free port and resolves once its /healthz/ready answers 200 (see waitUntilReady). */
export async function launchService(entry: string, env: Record<string, string>, timeoutMs?: number): Promise<ServiceOnPort> {
  const service = await startServiceOnPort(entry, env);
  await waitUntilReady(service, service.url('/healthz/ready'), timeoutMs);
  return service;
}

/**
 * What a service with a database and the bus needs to start, for a test's own database and bus namespace; the public
 * key in its one-line form, as a .env file or a Secret holds it.
 */
export function serviceEnv(deps: { db: { url: string }; bus: { url: string; namespace: string } }): Record<string, string> {
  return {
    DATABASE_URL: deps.db.url,
    NATS_URL: deps.bus.url,
    BUS_NAMESPACE: deps.bus.namespace,
    JWT_PUBLIC_KEY: testKeys().publicKey.replace(/\n/g, '\\n'),
  };
}
