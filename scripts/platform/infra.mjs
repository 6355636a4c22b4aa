// PostgreSQL, NATS (with JetStream) and Redis: is each one really there, and the databases the services need.
import net from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const START_COMMANDS = {
  postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  redis: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  nats: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server',
  docker: 'docker compose -f infra/docker-compose.yml up -d',
};

/**
 * The PostgreSQL server every service database lives on, as a URL whose path is the maintenance database.
 * DATABASE_URL (any database name) wins, then the libpq PG* variables, then postgres@127.0.0.1:5432 with trust.
 */
export function postgresBaseUrl(env = process.env) {
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    url.pathname = '/postgres';
    return url.toString();
  }
  const url = new URL('postgres://127.0.0.1:5432/postgres');
  url.hostname = env.PGHOST && !env.PGHOST.startsWith('/') ? env.PGHOST : '127.0.0.1';
  url.port = env.PGPORT ?? '5432';
  url.username = encodeURIComponent(env.PGUSER ?? 'postgres');
  if (env.PGPASSWORD) url.password = encodeURIComponent(env.PGPASSWORD);
  return url.toString();
}

export function databaseUrl(baseUrl, name) {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function redact(urlString) {
  const url = new URL(urlString);
  if (url.password) url.password = '***';
  return url.toString();
}

/** Opens a TCP connection, writes `hello` (if any) and resolves with the first line the server sends back. */
function firstLine(host, port, hello, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffer = '';
    const done = (err, line) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(line);
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('error', (err) => done(err));
    socket.on('connect', () => hello && socket.write(hello));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\r\n');
      if (end >= 0) done(null, buffer.slice(0, end));
    });
    socket.on('end', () => done(new Error('closed the connection without answering')));
  });
}

async function checkPostgres(baseUrl) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkRedis(redisUrl) {
  const url = new URL(redisUrl);
  const auth = url.password ? `AUTH ${url.username ? `${decodeURIComponent(url.username)} ` : ''}${decodeURIComponent(url.password)}\r\n` : '';
  const line = await firstLine(url.hostname, Number(url.port || 6379), `${auth}PING\r\n`);
  if (!line.startsWith('+')) throw new Error(`answered "${line}" to PING`);
}

async function checkNats(natsUrl) {
  const first = natsUrl.split(',')[0].trim();
  const url = new URL(first.includes('://') ? first : `nats://${first}`);
  const line = await firstLine(url.hostname, Number(url.port || 4222), '');
  if (!line.startsWith('INFO ')) throw new Error(`answered "${line.slice(0, 80)}" instead of INFO`);
  const info = JSON.parse(line.slice(5));
  if (!info.jetstream) throw new Error('is running without JetStream (start nats-server with -js)');
}

/**
 * Checks each piece of infrastructure with a real round trip (SELECT 1, PING, the NATS INFO line).
 * Resolves with a list of problems, each with the command that fixes it; empty when everything answers.
 */
export async function checkInfrastructure({ postgresUrl, natsUrl, redisUrl, needs }) {
  const checks = [
    needs.has('db') && ['PostgreSQL', redact(postgresUrl), () => checkPostgres(postgresUrl), START_COMMANDS.postgres],
    needs.has('nats') && ['NATS', natsUrl, () => checkNats(natsUrl), START_COMMANDS.nats],
    needs.has('redis') && ['Redis', redact(redisUrl), () => checkRedis(redisUrl), START_COMMANDS.redis],
  ].filter(Boolean);
  const results = await Promise.allSettled(checks.map(([, , check]) => check()));
  return results.flatMap((result, i) => {
    if (result.status === 'fulfilled') return [];
    const [what, where, , command] = checks[i];
    const reason = result.reason instanceof Error ? result.reason.message || result.reason.code : String(result.reason);
    return [{ what, where, reason, command }];
  });
}

export function describeInfrastructureProblems(problems) {
  const lines = ['Cannot start: some infrastructure does not answer.', ''];
  for (const p of problems) lines.push(`  ✗ ${p.what} at ${p.where}: ${p.reason}`, `      start it:  ${p.command}`, '');
  lines.push(`  Or, with Docker, all three at once:  ${START_COMMANDS.docker}`);
  lines.push('  (PostgreSQL, Redis and NATS addresses come from DATABASE_URL or PG*, REDIS_URL, NATS_URL.)');
  return lines.join('\n');
}

/** Creates each database that does not exist yet (same rules as common's ensureDatabase; this runner loads no TypeScript). */
export async function ensureDatabases(baseUrl, names) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  const created = [];
  try {
    for (const name of names) {
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must be letters, digits and underscores`);
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount) continue;
      try {
        await client.query(`CREATE DATABASE "${name}"`);
        created.push(name);
      } catch (err) {
        if (err.code !== '42P04' && err.code !== '23505') throw err; // created concurrently by another runner: fine
      }
    }
  } finally {
    await client.end();
  }
  return created;
}

export async function dropDatabases(baseUrl, names) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    for (const name of names) {
      if (!/^[A-Za-z0-9_]+$/.test(name)) continue;
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

/** Deletes the JetStream streams of an isolated platform (`<namespace>_*`); never the empty (shared) namespace. */
export async function deleteBusNamespace(natsUrl, namespace) {
  if (!namespace) return;
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl.split(','), name: `platform-cleanup-${namespace}`, timeout: 3000 });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${namespace}_`)) await jsm.streams.delete(name).catch(() => undefined);
    }
  } finally {
    await nc.close();
  }
}

/** Deletes the Redis keys of an isolated platform (`<namespace>:*`); never without a namespace. */
export async function deleteRedisNamespace(redisUrl, namespace) {
  if (!namespace) return;
  const { Redis } = require('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
