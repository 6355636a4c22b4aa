// The platform under test, started the way `npm start` starts it (scripts/platform.mjs, isolated: --port 0 picks free
// ports, its own databases, bus and Redis namespaces), or an already running one at E2E_BASE_URL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './browser';

export interface RunningPlatform {
  url: string;
  stop(): Promise<void>;
}

export const PLATFORM_LOG = path.join(REPO_ROOT, 'test-artifacts', 'e2e-platform.log');

export async function startPlatformForE2E(env: Record<string, string>, timeoutMs: number): Promise<RunningPlatform> {
  const external = process.env.E2E_BASE_URL?.replace(/\/+$/, '');
  if (external) return { url: external, stop: async () => {} };

  fs.mkdirSync(path.dirname(PLATFORM_LOG), { recursive: true });
  const log = fs.createWriteStream(PLATFORM_LOG);
  // Without NODE_ENV (Jest sets "test") the services run as `npm start` runs them: development, cookies not Secure.
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env, NO_COLOR: '1', NEXT_TELEMETRY_DISABLED: '1' };
  delete childEnv.NODE_ENV;
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'platform.mjs'), '--port', '0'], {
    cwd: REPO_ROOT,
    env: childEnv as unknown as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(failure(`did not come up within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString().split('\n')) {
        if (line.trim()) tail.push(line);
        if (tail.length > 40) tail.shift();
        const up = /Ticketing is up at (http\S+)/.exec(line);
        if (up?.[1]) {
          clearTimeout(timer);
          resolve(up[1]);
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(failure(`exited with code ${code} before it was up`));
    });
  }).catch(async (err: Error) => {
    await stopChild(child, exited);
    log.end();
    throw err;
  });

  function failure(what: string) {
    return new Error(
      `The platform (node scripts/platform.mjs --port 0) ${what}. Last lines of its output (all of it in ${PLATFORM_LOG}):\n${tail.join('\n')}`,
    );
  }

  return {
    url,
    stop: async () => {
      await stopChild(child, exited);
      log.end();
    },
  };
}

/** SIGTERM is the platform's graceful stop (it stops every service and drops its databases); SIGKILL if it hangs. */
async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
