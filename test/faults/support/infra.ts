import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { freePort, startNatsServer, type NatsServerProcess } from '@ticketing/common/testing';

// The suite's own PostgreSQL, NATS and Redis. Other test files share the machine's servers (5432, 4222, 6379), so the
// faults (stopping NATS, FLUSHALL, restarting PostgreSQL) are only ever done to these private ones.

const run = promisify(execFile);
const PG_BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = process.env.FAULTS_REDIS_SERVER ?? 'redis-server';

/** Everything started here is killed if the test process exits without cleaning up (a crash, a Jest timeout). */
const exitHooks = new Set<() => void>();
process.once('exit', () => exitHooks.forEach((hook) => hook()));

export interface PrivatePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust authentication). */
  url(database: string): string;
  createDatabases(names: string[]): Promise<void>;
  /** `pg_ctl stop -m fast` (every connection is cut) ... */
  stop(): Promise<void>;
  /** ... and start again on the same port and data. */
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

/** initdb refuses to run as root: as root, everything runs as the `postgres` OS user (runuser). */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function pgTool(tool: string, args: string[], timeoutMs = 60_000): Promise<void> {
  const [command, argv] = asPostgresUser(path.join(PG_BIN, tool), args);
  await run(command, argv, { timeout: timeoutMs });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-pg-'));
  if (process.getuid?.() === 0) {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
  }
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  await pgTool('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  // Durability settings off: the faults are process crashes and restarts, not power cuts, and the box has 2 cores.
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=400',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c shared_buffers=64MB',
  ].join(' ');
  let running = false;
  const start = async () => {
    await pgTool('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    running = false;
    await pgTool('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  };
  const kill = () => {
    if (!running) return;
    running = false;
    const [command, argv] = asPostgresUser(path.join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
    try {
      execFileSync(command, argv, { stdio: 'ignore', timeout: 20_000 });
    } catch {
      // already gone
    }
  };
  exitHooks.add(kill);
  await start();
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    createDatabases: async (names) => {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        for (const name of names) await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
    },
    stop,
    start,
    cleanup: async () => {
      exitHooks.delete(kill);
      if (running) {
        running = false;
        await pgTool('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  flushAll(): Promise<void>;
  /** A client for the audit and the quiet check (closed by cleanup). */
  client: Redis;
  cleanup(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const kill = () => child.kill('SIGKILL');
  exitHooks.add(kill);
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  client.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (err) {
      client.disconnect();
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}: ${(err as Error).message}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    client,
    flushAll: async () => void (await client.flushall()),
    cleanup: async () => {
      exitHooks.delete(kill);
      client.disconnect();
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
    },
  };
}

/** common's test nats-server (its own port and store; stop/start keep both), killed on exit. */
export async function startPrivateNats(): Promise<NatsServerProcess> {
  const nats = await startNatsServer();
  const hook = () => void nats.stop('SIGKILL');
  exitHooks.add(hook);
  return {
    ...nats,
    cleanup: async () => {
      exitHooks.delete(hook);
      await nats.cleanup();
    },
  };
}

/** Kills a child process synchronously when the test process exits abnormally. */
export function killOnExit(hook: () => void): () => void {
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}
