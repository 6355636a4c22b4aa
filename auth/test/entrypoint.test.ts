import http from 'node:http';
import net from 'node:net';
import { createTestDatabase, freePort, startServiceProcess, testKeys, waitFor, type ServiceProcess, type TestDatabase } from '@ticketing/common/testing';
import { deleteKeys, REDIS_URL, testRedis, uniqueEmail } from './helpers';

// The real composition root, run from source as a separate process (as the dev runner does), so start-up
// validation, migrations, readiness and SIGTERM handling are exercised exactly as in production.
const PREFIX = `test:auth-entry:${process.pid}:`;

type Running = ServiceProcess;

function start(env: Record<string, string>): Running {
  return startServiceProcess('auth/src/index.ts', env);
}

function get(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ port, host: '127.0.0.1', path: urlPath, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

async function waitUntilReady(port: number, running: Running, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`auth exited early:\n${running.output()}`);
    if ((await get(port, '/healthz/ready').catch(() => 0)) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`auth never became ready:\n${running.output()}`);
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(undefined, 'auth_entry'); // empty: the service migrates it at start-up
});
afterAll(async () => {
  const redis = testRedis();
  await redis.connect();
  await deleteKeys(redis, PREFIX);
  await redis.quit();
  await db.drop();
});

const baseEnv = (port: number): Record<string, string> => ({
  PORT: String(port),
  DATABASE_URL: db.url,
  REDIS_URL,
  JWT_PUBLIC_KEY: testKeys().publicKey.replace(/\n/g, '\\n'), // one-line form, as in a .env file
  JWT_PRIVATE_KEY: testKeys().privateKey,
  RATE_LIMIT_KEY_PREFIX: PREFIX,
  LOG_LEVEL: 'info',
});

it('refuses to start without DATABASE_URL, naming it, with exit code 78', async () => {
  const env = baseEnv(await freePort());
  delete (env as Partial<typeof env>).DATABASE_URL;
  const running = start(env);
  expect(await running.exited).toBe(78);
  expect(running.output()).toMatch(/DATABASE_URL is missing: set it to a URL like postgres:\/\//);
});

it('serves readiness, and on SIGTERM finishes an in-flight sign-in before exiting with code 0', async () => {
  const port = await freePort();
  const running = start(baseEnv(port));
  try {
    await waitUntilReady(port, running);
    const email = uniqueEmail('entry');
    const signup = JSON.stringify({ email, password: 'password123' });
    const created = await post(port, '/api/users/signup', signup);
    expect(created.status).toBe(201);

    // Headers first, with "Expect: 100-continue": the server's "100 Continue" proves the request is in flight
    // inside the service. Only then SIGTERM, and only once the listener is closed the body follows.
    const agent = new http.Agent({ keepAlive: true });
    const inFlight = new Promise<{ status: number; body: string; setCookie: string[] }>((resolve, reject) => {
      const req = http.request(
        { port, host: '127.0.0.1', method: 'POST', path: '/api/users/signin', agent,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(signup), Expect: '100-continue' } },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie'] ?? [] }));
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        running.child.kill('SIGTERM');
        void waitForListenerClosed(port).then(() => req.end(signup), reject);
      });
      req.flushHeaders();
    });

    const stoppedAt = { t: 0 };
    void running.exited.then(() => (stoppedAt.t = Date.now()));
    const answer = await inFlight;
    const answeredAt = Date.now();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ id: created.body.id, email, roles: [] });
    expect(answer.setCookie.some((c) => c.startsWith('session='))).toBe(true);
    expect(await running.exited).toBe(0);
    // It exited after answering, and promptly: the answered keep-alive connection did not hold it for its 5 s timeout.
    expect(stoppedAt.t).toBeGreaterThanOrEqual(answeredAt - 50);
    expect(stoppedAt.t - answeredAt).toBeLessThan(2000);
    expect(running.output()).toMatch(/"msg":"stopped"/);
    agent.destroy();
  } finally {
    if (running.child.exitCode === null) running.child.kill('SIGKILL');
  }
});

it('drains like every service: on SIGTERM readiness fails at once while the listener keeps serving for the drain delay', async () => {
  const port = await freePort();
  const running = start({ ...baseEnv(port), SHUTDOWN_DRAIN_SECONDS: '2' });
  try {
    await waitUntilReady(port, running);
    const email = uniqueEmail('drain');
    const signup = JSON.stringify({ email, password: 'password123' });
    expect((await post(port, '/api/users/signup', signup)).status).toBe(201);

    let sigtermAt = 0;
    let drainObserved: { ready: number; live: number } | undefined;
    // A sign-in in flight (headers sent, body held back) when SIGTERM arrives.
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = http.request(
        { port, host: '127.0.0.1', method: 'POST', path: '/api/users/signin', agent: false,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(signup), Expect: '100-continue' } },
        (res) => (res.resume(), res.on('end', () => resolve(res.statusCode ?? 0))),
      );
      req.on('error', reject);
      req.on('continue', () => {
        sigtermAt = Date.now();
        running.child.kill('SIGTERM');
        // The load balancer's view during the drain: not ready, yet still answered; then the body follows.
        void waitFor(async () => (await get(port, '/healthz/ready')) === 503).then(async () => {
          drainObserved = { ready: await get(port, '/healthz/ready'), live: await get(port, '/healthz/live') };
          req.end(signup);
        }, reject);
      });
      req.flushHeaders();
    });

    expect(await inFlight).toBe(200);
    expect(drainObserved).toEqual({ ready: 503, live: 200 });
    expect(await running.exited).toBe(0);
    // The listener stayed open for the drain delay before closing (the others' behaviour; auth used to close at once).
    expect(Date.now() - sigtermAt).toBeGreaterThanOrEqual(1900);
    expect(running.output()).toMatch(/"msg":"stopped"/);
  } finally {
    if (running.child.exitCode === null) running.child.kill('SIGKILL');
  }
});

/** Resolves once new connections are refused, i.e. shutdown has begun and the listener is gone. */
async function waitForListenerClosed(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => (socket.destroy(), resolve(false)));
      socket.on('error', () => resolve(true));
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the listener never closed after SIGTERM');
}

function post(port: number, urlPath: string, body: string): Promise<{ status: number; body: { id: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { port, host: '127.0.0.1', method: 'POST', path: urlPath, agent: false, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
