// The whole platform as processes on this machine: infrastructure checks, databases, keys, build, one process per
// service, the Next.js client and the gateway in front. `npm start` is a thin CLI over startPlatform(); tests use it
// (in-process from ESM, or through scripts/platform/process.cjs from Jest) with isolating options.
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICES, GATEWAY_PORT } from '../services.cjs';
import { createGateway, routesFor } from './gateway.mjs';
import { checkInfrastructure, deleteBusNamespace, deleteRedisNamespace, describeInfrastructureProblems, dropDatabases, ensureDatabases, postgresBaseUrl } from './infra.mjs';
import { loadOrCreateItemKeys, loadOrCreateKeys } from './keys.mjs';
import { buildWorkspaces } from './build.mjs';
import { createLogSink } from './log-format.mjs';
import { ManagedProcess } from './supervisor.mjs';
import { PlatformError } from './error.mjs';
import { assignPorts, commandFor, envFor, portTaken, selectServices, writeWatchTsconfig } from './plan.mjs';
import { makeDemo } from './demo.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export { SERVICES, GATEWAY_PORT, PlatformError };


/** Resolves once GET url answers (200, or any status when `anyStatus`); rejects on timeout, abort or give-up. */
async function waitForHttp(url, { anyStatus = false, timeoutMs, signal, gaveUp }) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    const reason = gaveUp();
    if (reason) throw new PlatformError(reason, 'PROCESS_FAILED');
    const status = await new Promise((resolve) => {
      const req = http.get(url, { timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve(err.code ?? err.message));
    });
    if (status === 200 || (anyStatus && typeof status === 'number' && status < 500)) return;
    last = typeof status === 'number' ? `HTTP ${status}` : status;
    await sleep(250);
  }
  throw new PlatformError(`${url} did not become ready within ${Math.round(timeoutMs / 1000)} s (last: ${last})`, 'NOT_READY');
}

function defaultColor() {
  if (process.env.NO_COLOR) return false;
  return Boolean(process.env.FORCE_COLOR) || Boolean(process.stdout.isTTY);
}

/**
 * Everything before the first process starts: which services, ports, infrastructure, databases, keys, build.
 * Throws a PlatformError that says what to do when something is missing.
 */
async function prepare(options, say, sink) {
  const root = options.root ?? ROOT;
  const isolated = options.port === 0;
  const id = randomBytes(4).toString('hex');
  const watch = Boolean(options.watch);
  const baseEnv = { ...process.env, ...(options.env ?? {}) };
  const plan = {
    root,
    watch,
    baseEnv,
    databasePrefix: options.databasePrefix ?? (isolated ? `platform_${id}` : 'ticketing'),
    busNamespace: options.busNamespace ?? (isolated ? `platform_${id}` : ''),
    redisNamespace: options.redisNamespace ?? (isolated ? `platform_${id}` : ''),
    cleanupOnStop: options.cleanupOnStop ?? isolated,
    postgresUrl: postgresBaseUrl(baseEnv),
    natsUrl: baseEnv.NATS_URL || 'nats://127.0.0.1:4222',
    redisUrl: baseEnv.REDIS_URL || 'redis://127.0.0.1:6379',
  };

  const { selected, skipped } = selectServices(root, SERVICES, options.only);
  for (const s of skipped) say(`skipping ${s.name}: ${s.why}`, 'warn');
  if (!selected.some((s) => s.kind !== 'next')) {
    throw new PlatformError(`no service to start (${skipped.map((s) => `${s.name}: ${s.why}`).join('; ') || 'none selected'})`, 'NOTHING_TO_START');
  }
  Object.assign(plan, { selected, skipped, needs: new Set(selected.flatMap((s) => s.needs)) });

  const { gateway, ports } = await assignPorts(selected, { port: options.port ?? GATEWAY_PORT, servicePorts: options.servicePorts });
  const checks = await Promise.all([['gateway', gateway], ...selected.map((s) => [s.name, ports[s.name]])].map(async ([n, p]) => [n, p, await portTaken(p)]));
  const taken = checks.filter(([, , why]) => why);
  if (taken.length) {
    const list = taken.map(([n, p, why]) => `${p} (${n}) is ${why}`).join(', ');
    throw new PlatformError(`cannot start: port ${list}. Is another \`npm start\` running? Stop it, or use --port.`, 'PORT_IN_USE');
  }
  Object.assign(plan, { gatewayPort: gateway, ports, gatewayUrl: `http://127.0.0.1:${gateway}` });

  const problems = await checkInfrastructure(plan);
  if (problems.length) throw new PlatformError(describeInfrastructureProblems(problems), 'INFRA_DOWN');

  plan.databases = Object.fromEntries(selected.filter((s) => s.needs.includes('db')).map((s) => [s.name, `${plan.databasePrefix}_${s.name}`]));
  const created = await ensureDatabases(plan.postgresUrl, Object.values(plan.databases));
  if (created.length) say(`created databases ${created.join(', ')}`);

  plan.keys = options.keys ?? loadOrCreateKeys(path.join(root, '.keys'));
  if (plan.keys.created) say('generated a development session key pair in .keys/ (git-ignored)');
  if (plan.needs.has('item-keys')) {
    plan.itemKeys = loadOrCreateItemKeys(path.join(root, '.keys'));
    if (plan.itemKeys.created) say('generated development keys for ticket items in .keys/item-keys.json (git-ignored)');
  }

  try {
    if (options.build !== false && !watch) {
      const built = await buildWorkspaces(root, [{ dir: 'common' }, ...selected], { env: baseEnv, log: (line) => sink.write('build', line), signal: options.signal });
      say(built.length ? `built ${built.join(', ')}` : 'build is up to date');
    }
    options.signal?.throwIfAborted();
  } catch (err) {
    if (plan.cleanupOnStop) await cleanUp(plan, say);
    throw err;
  }
  plan.watchTsconfig = watch ? writeWatchTsconfig(root) : undefined;
  return plan;
}

/** Drops what an isolated platform made: its databases, its bus namespace's streams, its Redis keys. */
function cleanUp(plan, say) {
  return Promise.all([
    Object.keys(plan.databases ?? {}).length && dropDatabases(plan.postgresUrl, Object.values(plan.databases)),
    plan.needs.has('nats') && deleteBusNamespace(plan.natsUrl, plan.busNamespace),
    plan.needs.has('redis') && deleteRedisNamespace(plan.redisUrl, plan.redisNamespace),
  ]).catch((err) => say(`could not clean up after the platform: ${err.message}`, 'warn'));
}

/**
 * Starts the platform and resolves once every process is ready. Options (all optional):
 *   port: gateway port (GATEWAY_PORT); 0 = isolated: free ports for everything, unique database prefix and namespaces
 *   only: service names (array or "auth,tickets"); default: every service whose entry file exists
 *   env: extra environment for every process (e.g. { ORDER_EXPIRATION_SECONDS: '5' }); serviceEnv: { name: env }
 *   servicePorts: { name: port }; databasePrefix ("ticketing", or unique when isolated), busNamespace, redisNamespace
 *   watch: tsx watch + next dev instead of built code; build: false skips building
 *   log: 'inherit' (default) | false | (chunk) => void; json: JSON lines; color; logFile: also append plain text here
 *   keys: { publicKey, privateKey } instead of the pair in .keys/
 *   demo: once ready, sign the demo admin in (up, the first time) and fill an empty catalogue (demo.mjs; default false,
 *     `npm start` asks for it; never under NODE_ENV=production); demoAdminFile: its credentials (.keys/demo-admin.json)
 *   cleanupOnStop: drop the databases, the namespace's streams and Redis keys at stop (default: when isolated)
 *   readyTimeoutMs, stopTimeoutMs, gatewayTimeoutMs, restartPolicy, signal (AbortSignal), onFatal(message)
 * Resolves with { url, port, services, databases, busNamespace, keys, logFile, skipped, demo, kill(name, signal),
 * stopService(name), startService(name), waitReady(name), stop(), closed }; `closed` resolves with { code, reason }
 * once the platform has stopped (through stop(), or because a service was given up on).
 */
export async function startPlatform(options = {}) {
  const { logFile, signal } = options;
  if (logFile) fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = options.log === false ? null : typeof options.log === 'function' ? options.log : (s) => process.stdout.write(s);
  const inherit = options.log === undefined || options.log === 'inherit';
  const sink = createLogSink({ json: Boolean(options.json), color: options.color ?? (inherit ? defaultColor() : false), out, file: logFile });
  const say = (msg, level = 'info') => sink.event('platform', level, msg);

  let plan;
  try {
    plan = await prepare(options, say, sink);
  } catch (err) {
    await sink.close();
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
  const { selected, ports, gatewayPort } = plan;

  let fatal;
  let ready = false;
  let demo;
  let resolveClosed;
  const closed = new Promise((resolve) => (resolveClosed = resolve));
  const processes = new Map();
  const onFatal = (message) => {
    if (fatal) return;
    fatal = message;
    say(message, 'fatal');
    if (ready) void stop(1, message).then(() => options.onFatal?.(message));
  };
  for (const service of selected) {
    const command = commandFor(plan.root, service, { port: ports[service.name], watch: plan.watch, watchTsconfig: plan.watchTsconfig });
    const env = envFor(service, { ...plan, overrides: options.serviceEnv?.[service.name] ?? {} });
    const onRestart = (p) => void waitReady(p.name).then(() => say(`${p.name} is ready again`), () => {});
    processes.set(service.name, new ManagedProcess({ name: service.name, ...command, env }, { sink, policy: options.restartPolicy, onFatal, onRestart }));
  }
  const killAll = () => processes.forEach((p) => p.killNow());
  process.on('exit', killAll);

  const gateway = createGateway({
    routes: routesFor(Object.fromEntries(selected.map((s) => [s.name, `http://127.0.0.1:${ports[s.name]}`]))),
    timeoutMs: options.gatewayTimeoutMs,
    log: (entry) => sink.write('gateway', JSON.stringify(entry)),
  });

  const readyTimeoutMs = options.readyTimeoutMs ?? (plan.watch ? 180_000 : 90_000);
  const waitReady = (name) => {
    const service = selected.find((s) => s.name === name);
    const p = processes.get(name);
    return waitForHttp(`http://127.0.0.1:${ports[name]}${service.health}`, {
      anyStatus: service.kind === 'next',
      timeoutMs: readyTimeoutMs,
      signal,
      gaveUp: () => (p.state === 'failed' || p.state === 'stopped' ? (fatal ?? `${name} stopped`) : undefined),
    });
  };

  let stopping;
  const stop = (code = 0, reason = 'stopped') => {
    stopping ??= (async () => {
      gateway.close();
      gateway.closeIdleConnections();
      await Promise.all([...processes.values()].map((p) => p.stop(options.stopTimeoutMs ?? 10_000)));
      gateway.closeAllConnections();
      process.off('exit', killAll);
      if (plan.cleanupOnStop) await cleanUp(plan, say);
      say(code === 0 ? 'stopped' : `stopped: ${reason}`);
      await sink.close();
      resolveClosed({ code, reason });
    })();
    return stopping;
  };

  try {
    for (const p of processes.values()) p.start();
    await new Promise((resolve, reject) => {
      gateway.once('error', reject);
      gateway.listen(gatewayPort, resolve);
    });
    await Promise.all(selected.map((s) => waitReady(s.name)));
    ready = true;
    demo = await makeDemo({
      asked: options.demo ?? false,
      env: plan.baseEnv,
      running: selected.map((s) => s.name),
      gatewayUrl: plan.gatewayUrl,
      credentialsFile: options.demoAdminFile ?? path.join(plan.root, '.keys', 'demo-admin.json'),
      say,
      signal,
    });
  } catch (err) {
    await stop(1, err.message);
    if (signal?.aborted) throw signal.reason;
    throw err instanceof PlatformError ? err : new PlatformError(fatal ?? err.message, err.code);
  }

  const get = (name) => {
    const p = processes.get(name);
    if (!p) throw new PlatformError(`${name} is not part of this platform (running: ${[...processes.keys()].join(', ')})`, 'UNKNOWN_SERVICE');
    return p;
  };
  return {
    url: `http://localhost:${gatewayPort}`,
    port: gatewayPort,
    services: selected.map((s) => ({ name: s.name, port: ports[s.name], url: `http://127.0.0.1:${ports[s.name]}`, routes: s.routes ?? [], get pid() { return processes.get(s.name).pid; } })),
    databases: plan.databases,
    busNamespace: plan.busNamespace,
    keys: { publicKey: plan.keys.publicKey, privateKey: plan.keys.privateKey },
    logFile,
    skipped: plan.skipped,
    demo,
    /** Signals one service's process group (default SIGKILL); it is restarted after about a second. */
    kill: (name, sig = 'SIGKILL') => get(name).kill(sig),
    /** Stops one service gracefully and keeps it stopped; the gateway answers 502 for its routes meanwhile. */
    stopService: (name) => get(name).stop(options.stopTimeoutMs ?? 10_000),
    /** Starts a stopped service again and resolves once it is ready. */
    startService: async (name) => {
      const p = get(name);
      if (p.state === 'stopped' || p.state === 'failed') p.start();
      await waitReady(name);
    },
    waitReady,
    stop: () => stop(0),
    closed,
  };
}
