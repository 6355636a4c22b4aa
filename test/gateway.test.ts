import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, SERVICES } from './support/platform-runner';

// The local gateway (scripts/platform/gateway.mjs) as its own process, with the service table's routes, in front of
// stub upstreams that report what reached them.

let openStream: http.ServerResponse | undefined;

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyLength: number;
}

function stubUpstream(name: string): Promise<{ server: http.Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') return; // never answers: the gateway must give up
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      openStream = res; // the test ends it once the first chunk has reached it through the gateway
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyLength: body.length });
      res.setHeader('set-cookie', ['a=1; path=/; httponly', 'b=2; path=/']);
      res.setHeader('x-upstream', name);
      res.setHeader('content-type', 'application/octet-stream');
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen })));
}

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let auth: Awaited<ReturnType<typeof stubUpstream>>;
let client: Awaited<ReturnType<typeof stubUpstream>>;
let gateway: ChildProcess;
let base: string;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  auth = await stubUpstream('auth');
  client = await stubUpstream('client');
  // auth and the client answer, orders is down (nothing listens on its port), the rest (tickets) are not running.
  const targets: Record<string, string> = { auth: auth.url, orders: `http://127.0.0.1:${await closedPort()}`, client: client.url };
  const routes = SERVICES.flatMap((s) => (s.routes ?? []).map((prefix) => ({ prefix, name: s.name, target: targets[s.name] ?? null })));
  gateway = spawn(process.execPath, [path.join(ROOT, 'scripts/platform/gateway.mjs')], {
    env: { ...process.env, PORT: '0', GATEWAY_ROUTES: JSON.stringify(routes), GATEWAY_TIMEOUT_MS: '1000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  base = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    gateway.stdout!.setEncoding('utf8');
    gateway.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const entry = JSON.parse(buffer.slice(0, end)) as Record<string, unknown>;
        buffer = buffer.slice(end + 1);
        if (entry.msg === 'gateway listening') resolve(`http://127.0.0.1:${String(entry.port)}`);
        else logLines.push(entry);
      }
    });
    gateway.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
});

afterAll(async () => {
  gateway.kill('SIGKILL');
  await Promise.all([auth, client].map((u) => new Promise((resolve) => (u.server.closeAllConnections(), u.server.close(resolve)))));
});

const upstreamOf = async (url: string) => (await fetch(`${base}${url}`)).headers.get('x-upstream');

test('routes by path prefix element by element, everything else to the client', async () => {
  expect(await upstreamOf('/api/users/currentuser')).toBe('auth');
  expect(await upstreamOf('/api/users')).toBe('auth');
  expect(await upstreamOf('/api/users?next=/x')).toBe('auth');
  expect(await upstreamOf('/api/usersx')).toBe('client');
  expect(await upstreamOf('/tickets/new')).toBe('client');
  expect(await upstreamOf('/')).toBe('client');
});

test('passes method, path, body and every Set-Cookie through unchanged', async () => {
  const body = Buffer.alloc(1_000_000, 7);
  const res = await fetch(`${base}/api/users/signup?x=1`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
  expect(res.headers.getSetCookie()).toEqual(['a=1; path=/; httponly', 'b=2; path=/']);
  const seen = auth.seen.at(-1)!;
  expect(seen).toMatchObject({ method: 'POST', url: '/api/users/signup?x=1', bodyLength: body.length });
});

test('appends to x-forwarded-for, sets x-forwarded-proto/-host from the real request, adds a request id when absent', async () => {
  const res = await fetch(`${base}/api/users/currentuser`, { headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } });
  const seen = auth.seen.at(-1)!;
  expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
  expect(seen.headers['x-forwarded-proto']).toBe('http');
  expect(seen.headers['x-forwarded-host']).toBe(new URL(base).host);
  expect(seen.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers.get('x-request-id')).toBe(seen.headers['x-request-id']);

  await fetch(`${base}/api/users/currentuser`, { headers: { 'x-request-id': 'trace-123' } });
  expect(auth.seen.at(-1)!.headers['x-request-id']).toBe('trace-123');
});

test('streams responses: the first chunk arrives before the upstream has finished', async () => {
  const res = await fetch(`${base}/stream`);
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(Buffer.from(first.value!).toString()).toBe('first;');
  expect(openStream?.writableEnded).toBe(false);
  openStream!.end('last');
  let rest = '';
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += Buffer.from(r.value).toString();
  expect(rest).toBe('last');
});

test('answers 502 with the API error shape when the upstream is not running or refuses', async () => {
  for (const [url, message] of [
    ['/api/tickets', 'tickets is not running'],
    ['/api/orders/123', 'orders is unavailable'],
  ]) {
    const res = await fetch(`${base}${url}`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ errors: [{ message }] });
  }
});

test('answers 504 when the upstream does not answer in time', async () => {
  const res = await fetch(`${base}/slow`);
  expect(res.status).toBe(504);
  expect(await res.json()).toEqual({ errors: [{ message: 'client did not answer in time' }] });
});

test('logs one JSON line per request with its outcome', async () => {
  await fetch(`${base}/api/users/currentuser?log-check=1`);
  await new Promise((r) => setTimeout(r, 100));
  const lines = logLines.filter((l) => l.url === '/api/users/currentuser?log-check=1');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ msg: 'request', method: 'GET', status: 200, upstream: 'auth', service: 'gateway' });
  expect(typeof lines[0]!.durationMs).toBe('number');
  expect(logLines.some((l) => l.url === '/slow' && l.status === 504)).toBe(true);
});
