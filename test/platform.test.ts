import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { BACKEND_SERVICES, ROOT, startPlatform, type PlatformProcess } from './support/platform-runner';

// `npm start` as the tests use it: every backend service that exists, as real processes on free ports, behind the
// gateway. The client is left out (its production build takes minutes; the browser tests cover it). Services still
// being written are found by their entry file, so this runs with whatever exists.

const present = BACKEND_SERVICES.filter((s) => fs.existsSync(path.join(ROOT, s.dir, s.entry))).map((s) => s.name);
const authRuns = present.includes('auth');

let platform: PlatformProcess;

beforeAll(async () => {
  platform = await startPlatform({ only: present, env: { LOG_LEVEL: 'info' }, startTimeoutMs: 150_000 });
}, 160_000);

afterAll(async () => {
  await platform?.stop();
}, 40_000);

const api = (pathname: string, init?: RequestInit) => fetch(`${platform.url}${pathname}`, init);

test('starts every service that exists, each answering its readiness check on its own port', async () => {
  expect(platform.services.map((s) => s.name).sort()).toEqual([...present].sort());
  for (const service of platform.services) {
    const res = await fetch(`${service.url}/healthz/ready`);
    expect({ name: service.name, status: res.status }).toEqual({ name: service.name, status: 200 });
  }
  expect(new Set(platform.services.map((s) => s.port)).size).toBe(platform.services.length);
});

test('the gateway routes /api/users/currentuser to auth (or answers 502 while auth does not exist)', async () => {
  const res = await api('/api/users/currentuser');
  if (authRuns) {
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ currentUser: null });
  } else {
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ errors: [{ message: 'auth is not running' }] });
  }
  expect(res.headers.get('x-request-id')).toBeTruthy();
});

test('a session made through the gateway works through the gateway (bodies and Set-Cookie pass)', async () => {
  if (!authRuns) return expect(platform.skipped.map((s) => s.name)).toContain('auth');
  const email = `platform-${randomUUID().slice(0, 8)}@example.test`;
  const signup = await api('/api/users/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) });
  expect(signup.status).toBe(201);
  const cookie = signup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  expect(cookie).toMatch(/session=/);
  const me = await api('/api/users/currentuser', { headers: { cookie } });
  expect((await me.json()) as unknown).toEqual({ currentUser: { id: expect.any(String), email, roles: [] } });
});

test('unknown API paths get the owning service 404; paths of processes not running get 502 JSON', async () => {
  if (authRuns) {
    const res = await api('/api/users/no-such-route');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errors: unknown[] }).errors).toHaveLength(1);
  }
  const page = await api('/'); // the client is not part of this platform
  expect(page.status).toBe(502);
  expect(await page.json()).toEqual({ errors: [{ message: 'client is not running' }] });
});

test('a service that stops answers 502 through the gateway; killed, it is restarted and answers again', async () => {
  const victim = authRuns ? 'auth' : present[0];
  if (!victim) return;
  const route = platform.services.find((s) => s.name === victim)!.routes[0] ?? '/healthz/ready';
  await platform.stopService(victim);
  const down = await api(route === '/healthz/ready' ? '/' : `${route}/anything`);
  expect(down.status).toBe(502);

  await platform.startService(victim);
  const before = (await platform.pids())[victim];
  expect(await platform.kill(victim, 'SIGKILL')).toBe(true);
  const deadline = Date.now() + 20_000;
  let after: number | null | undefined;
  while (Date.now() < deadline) {
    after = (await platform.pids())[victim];
    const ready = after !== before && (await fetch(`${platform.services.find((s) => s.name === victim)!.url}/healthz/ready`).then((r) => r.status, () => 0));
    if (ready === 200) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(after).not.toBe(before);
  expect(platform.logs()).toMatch(new RegExp(`${victim} was killed by SIGKILL`));
}, 40_000);
