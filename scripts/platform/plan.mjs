// What to run and how: which services exist, their ports, each process's command line and environment.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { databaseUrl } from './infra.mjs';
import { localPortOf } from '../services.cjs';
import { PlatformError } from './error.mjs';

const require = createRequire(import.meta.url);

/** A service is present once its entry file exists (others are being written); the client once it has pages. */
export function presence(root, service) {
  if (service.kind === 'next') {
    const dir = path.join(root, service.dir);
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      return { present: false, why: `${service.dir}/package.json does not exist` };
    }
    if (!pkg.scripts?.build) return { present: false, why: `${service.dir}/package.json has no build script` };
    if (!fs.existsSync(path.join(dir, 'app')) && !fs.existsSync(path.join(dir, 'src', 'app'))) return { present: false, why: `${service.dir}/app does not exist yet` };
    return { present: true };
  }
  const entry = path.join(service.dir, service.entry);
  return fs.existsSync(path.join(root, entry)) ? { present: true } : { present: false, why: `${entry} does not exist yet` };
}

/** The services to run: those asked for (`only`, names or "a,b") that exist. Unknown names are an error. */
export function selectServices(root, services, only) {
  const wanted = typeof only === 'string' ? only.split(',') : only;
  const names = wanted?.map((n) => n.trim()).filter(Boolean);
  if (names?.length) {
    const unknown = names.filter((n) => !services.some((s) => s.name === n));
    if (unknown.length) throw new PlatformError(`unknown service ${unknown.join(', ')}; the services are ${services.map((s) => s.name).join(', ')}`);
  }
  const chosen = names?.length ? services.filter((s) => names.includes(s.name)) : services;
  const selected = [];
  const skipped = [];
  for (const service of chosen) {
    const { present, why } = presence(root, service);
    if (present) selected.push(service);
    else skipped.push({ name: service.name, why });
  }
  return { selected, skipped };
}

function listenOnce(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(address?.port));
    });
  });
}

/** Ports handed out on this machine, one file per port naming its process (common/src/testing/free-port.ts). */
const PORT_RESERVATIONS = path.join(os.tmpdir(), 'ticketing-port-reservations');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Takes the port for this process unless a living process took it before: two platforms starting side by side pick
 * their ports before their processes listen, and must not pick each other's (common/src/testing/free-port.ts).
 */
export function reservePort(port) {
  fs.mkdirSync(PORT_RESERVATIONS, { recursive: true });
  const file = path.join(PORT_RESERVATIONS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(file, 'utf8'));
      if (owner && alive(owner)) return false;
      try {
        fs.unlinkSync(file); // its process is gone
      } catch {
        // another process took it over first; the next attempt sees its reservation
      }
    }
  }
  return false;
}

/**
 * A free loopback port below the kernel's ephemeral range (common/src/testing/free-port.ts explains why: a crashed
 * service restarted on its port must not find it taken by some client socket's local end), reserved for this process.
 */
export async function freePort() {
  let ephemeralLow = 49152;
  try {
    ephemeralLow = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralLow;
  } catch {
    // not Linux
  }
  for (let attempt = 0; attempt < 100 && ephemeralLow > 10_001; attempt++) {
    const port = await listenOnce(10_000 + Math.floor(Math.random() * (ephemeralLow - 10_000)));
    if (port && reservePort(port)) return port;
  }
  const port = await listenOnce(0);
  if (!port) throw new Error('no free loopback port');
  return port;
}

/** Resolves with a reason when something already listens on the port (a platform left running, say). */
export function portTaken(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err) => resolve(err.code === 'EADDRINUSE' ? 'in use' : err.message));
    server.listen(port, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Ports for the gateway and each service. Gateway port 0 means "isolated": every port is a free one, so several
 * platforms (parallel test files) can run at once. `servicePorts` overrides single services.
 */
export async function assignPorts(services, { port, servicePorts = {} }) {
  const gateway = port === 0 ? await freePort() : port;
  const ports = {};
  for (const s of services) ports[s.name] = servicePorts[s.name] ?? (port === 0 ? await freePort() : localPortOf(s));
  return { gateway, ports };
}

/** The tsconfig for `--watch`: @ticketing/common from its TypeScript sources, so editing common reloads services too. */
export function writeWatchTsconfig(root) {
  return path.join(root, 'tsconfig.run-from-source.json');
}

/** The command line for one process: built JavaScript, tsx watch, or Next.js start/dev. */
export function commandFor(root, service, { port, watch, watchTsconfig }) {
  const cwd = path.join(root, service.dir);
  if (service.kind === 'next') {
    const next = require.resolve('next/dist/bin/next', { paths: [cwd, root] });
    return { command: process.execPath, args: [next, watch ? 'dev' : 'start', '-p', String(port), '-H', '127.0.0.1'], cwd };
  }
  if (watch) {
    const tsx = require.resolve('tsx/cli', { paths: [root] });
    return { command: process.execPath, args: [tsx, 'watch', '--clear-screen=false', '--tsconfig', watchTsconfig, service.entry], cwd };
  }
  const built = service.entry.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js');
  return { command: process.execPath, args: ['--enable-source-maps', built], cwd };
}

/**
 * The demo admin of a local run: whoever signs up with this address may curate the catalogue. Only a default (your
 * ADMIN_EMAILS wins), and never with NODE_ENV=production.
 */
export const DEMO_ADMIN_EMAIL = 'admin@ticketing.test';

/**
 * The environment of one process. Starts from the caller's (so ORDER_EXPIRATION_SECONDS, STRIPE_SECRET_KEY, LOG_LEVEL
 * and the like pass through), then what the platform decides (ports, databases, bus namespace, keys), then the
 * per-service overrides.
 */
export function envFor(service, ctx) {
  const { baseEnv, ports, gatewayUrl, postgresUrl, natsUrl, redisUrl, databasePrefix, busNamespace, redisNamespace, keys, itemKeys, selected, overrides } = ctx;
  const env = { ...baseEnv, PORT: String(ports[service.name]) };
  delete env.JWT_PRIVATE_KEY; // only auth may hold it
  delete env.DATABASE_URL; // each service gets its own below

  if (service.kind === 'next') {
    // next sets NODE_ENV itself; a "test" inherited from Jest would only confuse it.
    if (!overrides.NODE_ENV) delete env.NODE_ENV;
    env.HOSTNAME = '127.0.0.1';
    env.NEXT_TELEMETRY_DISABLED = '1';
    // Server-side rendering calls services directly when they run, else through the gateway (which answers 502).
    env.API_INTERNAL_URL = gatewayUrl;
    for (const s of selected) if (s.routes && s.kind !== 'next') env[`${s.name.toUpperCase()}_URL`] = `http://127.0.0.1:${ports[s.name]}`;
    return { ...env, ...overrides };
  }

  env.NODE_ENV ??= 'development';
  env.LOG_LEVEL ??= 'info';
  env.JWT_PUBLIC_KEY = keys.publicKey;
  if (service.needs.includes('jwt-private')) env.JWT_PRIVATE_KEY = keys.privateKey;
  if (service.needs.includes('item-keys') && itemKeys) {
    // Yours win (a key being rotated in, say); only a development default otherwise.
    env.ITEM_ENCRYPTION_KEYS ??= itemKeys.encryptionKeys;
    env.ITEM_FINGERPRINT_KEY ??= itemKeys.fingerprintKey;
  }
  if (service.name === 'auth' && env.NODE_ENV !== 'production') env.ADMIN_EMAILS ??= DEMO_ADMIN_EMAIL;
  if (service.needs.includes('db')) env.DATABASE_URL = databaseUrl(postgresUrl, `${databasePrefix}_${service.name}`);
  if (service.needs.includes('nats')) {
    env.NATS_URL = natsUrl;
    env.BUS_NAMESPACE = busNamespace;
  }
  if (service.needs.includes('redis')) {
    env.REDIS_URL = redisUrl;
    if (redisNamespace && service.redisPrefix) env[service.redisPrefix[0]] = service.redisPrefix[1].replace('{ns}', redisNamespace);
  }
  return { ...env, ...overrides };
}
