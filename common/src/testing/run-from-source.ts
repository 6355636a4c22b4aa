import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');

/** The tsconfig that lets tsx run a service's src/index.ts with @ticketing/common taken from common/src. */
export const RUN_FROM_SOURCE_TSCONFIG = path.join(ROOT, 'tsconfig.run-from-source.json');

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** Its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
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
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}
