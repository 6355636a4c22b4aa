// Builds only what is out of date, so the second `npm start` is fast. One build at a time per checkout: parallel
// test files that each start a platform share one build instead of racing tsc over the same dist/ folders.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLine } from './log-format.mjs';
import { PlatformError } from './error.mjs';

const IGNORED = new Set(['node_modules', 'dist', '.next', 'test', 'e2e', 'coverage', 'test-artifacts']);

/** Newest modification time (ms) of the files under `target` (a file or a folder), skipping build output and tests. */
export function newestMtime(target) {
  let newest = 0;
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    if (IGNORED.has(entry.name) || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The workspace's build output is missing or older than one of its inputs. */
export function isStale(root, pkg) {
  if (pkg.kind === 'next') {
    const built = mtime(path.join(root, pkg.dir, '.next', 'BUILD_ID'));
    // The client compiles common's time formatting and market rules from source (client/tsconfig.json paths): a change there rebuilds it.
    const fromCommon = ['time', 'market'].map((dir) => newestMtime(path.join(root, 'common', 'src', dir)));
    return built === 0 || Math.max(newestMtime(path.join(root, pkg.dir)), ...fromCommon) > built;
  }
  const built = mtime(path.join(root, pkg.dir, 'dist', 'index.js'));
  const inputs = [path.join(root, pkg.dir, 'src'), path.join(root, pkg.dir, 'package.json'), path.join(root, pkg.dir, 'tsconfig.build.json'), path.join(root, 'tsconfig.base.json')];
  return built === 0 || Math.max(...inputs.map(newestMtime)) > built;
}

/** npm as started by `npm start` (Node 24's), else the one on PATH. */
function npmCommand(args) {
  const execpath = process.env.npm_execpath;
  if (execpath && /npm-cli\.js$/.test(execpath)) return [process.execPath, [execpath, ...args]];
  return ['npm', args];
}

function run(root, args, env, onLine) {
  return new Promise((resolve, reject) => {
    const [command, argv] = npmCommand(args);
    const child = spawn(command, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) forEachLine(stream, (l) => l.trim() && onLine(l));
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new PlatformError(`\`npm ${args.join(' ')}\` failed (${signal ?? `exit code ${code}`}); its output is above`))));
  });
}

function ownerAlive(lock) {
  let pid;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    return Date.now() - mtime(lock) < 5000; // just created; its owner is writing the pid
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function withBuildLock(root, name, fn, signal) {
  const lock = path.join(root, '.platform', `build-${name}.lock`);
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A runner that died mid-build leaves its lock behind: take it over when its owner is gone (or very old).
      if (!ownerAlive(lock) || Date.now() - mtime(lock) > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      signal?.throwIfAborted();
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds the given workspaces ({ dir, kind }) that are out of date, backend packages first (common before the
 * services, one `npm run build -w ...`), then the Next.js client. Returns the dirs it built.
 */
export async function buildWorkspaces(root, packages, { env = process.env, log = () => {}, signal } = {}) {
  const built = [];
  // Two locks, so a platform that needs only the services does not wait for another one's (slow) client build.
  const backend = packages.filter((p) => p.kind !== 'next');
  if (backend.some((p) => isStale(root, p))) {
    await withBuildLock(
      root,
      'backend',
      async () => {
        const stale = backend.filter((p) => isStale(root, p)); // someone else may have built them while we waited
        if (!stale.length) return;
        log(`building ${stale.map((p) => p.dir).join(', ')} (tsc)`);
        await run(root, ['run', 'build', ...stale.flatMap((p) => ['-w', p.dir])], env, log);
        built.push(...stale.map((p) => p.dir));
      },
      signal,
    );
  }
  for (const client of packages.filter((p) => p.kind === 'next' && isStale(root, p))) {
    await withBuildLock(
      root,
      client.dir,
      async () => {
        if (!isStale(root, client)) return;
        log(`building ${client.dir} (next build; a minute or two the first time)`);
        const { NODE_ENV: _ignored, ...nextEnv } = env; // next build sets its own; "test" from Jest would confuse it
        await run(root, ['run', 'build', '-w', client.dir], { ...nextEnv, NEXT_TELEMETRY_DISABLED: '1' }, log);
        built.push(client.dir);
      },
      signal,
    );
  }
  return built;
}
