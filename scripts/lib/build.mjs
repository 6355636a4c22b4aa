// Builds only what is out of date, so the second `npm start` is fast. One build at a time per checkout: parallel
// test files that each start a platform share one build instead of racing tsc over the same dist/ folders.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLine } from './log-format.mjs';
import { PlatformError } from './platform-error.mjs';

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
    return built === 0 || newestMtime(path.join(root, pkg.dir)) > built;
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

async function withBuildLock(root, fn, signal) {
  const lock = path.join(root, '.platform', 'build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A runner that died mid-build leaves its lock behind; builds never take this long.
      if (Date.now() - mtime(lock) > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
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
  if (!packages.some((p) => isStale(root, p))) return [];
  return withBuildLock(
    root,
    async () => {
      const stale = packages.filter((p) => isStale(root, p)); // someone else may have built them while we waited
      const backend = stale.filter((p) => p.kind !== 'next');
      const client = stale.filter((p) => p.kind === 'next');
      if (backend.length) {
        log(`building ${backend.map((p) => p.dir).join(', ')} (tsc)`);
        await run(root, ['run', 'build', ...backend.flatMap((p) => ['-w', p.dir])], env, log);
      }
      for (const p of client) {
        log(`building ${p.dir} (next build; a minute or two the first time)`);
        const { NODE_ENV: _ignored, ...nextEnv } = env; // next build sets its own; "test" from Jest would confuse it
        await run(root, ['run', 'build', '-w', p.dir], { ...nextEnv, NEXT_TELEMETRY_DISABLED: '1' }, log);
      }
      return stale.map((p) => p.dir);
    },
    signal,
  );
}
