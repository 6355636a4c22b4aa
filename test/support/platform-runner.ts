// What tests use from scripts/, in one place: the service table and the platform runner (started in a child process,
// since Jest cannot load the runner's ES modules).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../scripts/platform/process.cjs';

export { startPlatform, ROOT, type DemoReport, type PlatformOptions, type PlatformProcess, type RunningService } from '../../scripts/platform/process.cjs';
export { SERVICES, BACKEND_SERVICES, GATEWAY_PORT, SERVICE_DOCKERFILE, serviceNamed, localPortOf, imageOf, type ServiceDefinition, type ServiceName } from '../../scripts/services.cjs';

/**
 * Calls an export of one of scripts/platform's ES modules (e.g. 'demo-catalogue.mjs', 'demoEvents') in a child Node,
 * since Jest cannot load them, and resolves with its (awaited) result through JSON. Arguments go through JSON too.
 */
export async function callPlatformModule<T>(module: string, exportName: string, ...args: unknown[]): Promise<T> {
  const url = pathToFileURL(path.join(ROOT, 'scripts', 'platform', module)).href;
  const script = `const m = await import(${JSON.stringify(url)}); const out = await m[${JSON.stringify(exportName)}](...JSON.parse(process.env.CALL_ARGS)); process.stdout.write(JSON.stringify(out ?? null));`;
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, CALL_ARGS: JSON.stringify(args) }, maxBuffer: 16 << 20 }, (err, out, stderr) =>
      err ? reject(new Error(`${module} ${exportName}() failed: ${stderr || err.message}`)) : resolve(out),
    ),
  );
  return JSON.parse(stdout) as T;
}
