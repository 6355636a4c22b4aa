import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, RUN_FROM_SOURCE_TSCONFIG } from '@ticketing/common/testing';

const REPO = path.resolve(__dirname, '../../..');

/** The real entry point (src/index.ts: config, HTTP, signals) in a child process that a test can SIGKILL. */
export interface ChildService {
  port: number;
  /** stdout + stderr so far (JSON log lines), for failure messages. */
  output(): string;
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}


export async function startChildService(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<ChildService> {
  const port = await freePort();
  // tsx's loader inside the service's own process (not the tsx CLI, which runs the script in a grandchild that a
  // SIGKILL of the CLI would not reach).
  const loader = pathToFileURL(require.resolve('tsx', { paths: [REPO] })).href;
  const child: ChildProcess = spawn(process.execPath, ['--import', loader, path.join(REPO, 'expiration/src/index.ts')], {
    cwd: path.join(REPO, 'expiration'),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', TSX_TSCONFIG_PATH: RUN_FROM_SOURCE_TSCONFIG, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`expiration exited with ${child.exitCode} before it was ready:\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`expiration was not ready within ${readyTimeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    output: () => out,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
