import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { callPlatformModule, startPlatform, type DemoReport, type PlatformOptions, type PlatformProcess } from './support/platform-runner';

// The demo `npm start` makes (scripts/platform/demo.mjs), through the gateway of a real platform (auth and catalog as
// processes). Three starts share their databases, bus namespace and Redis prefix, as three `npm start`s on one machine
// would; the last one drops them. The admin's credentials go to a file of this test's own, not the repository's .keys/.

const id = `demo_${randomBytes(4).toString('hex')}`;
const demoAdminFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ticketing-demo-')), 'demo-admin.json');
const shared: PlatformOptions & { startTimeoutMs: number } = { only: ['auth', 'catalog'], databasePrefix: id, busNamespace: id, redisNamespace: id, demoAdminFile, startTimeoutMs: 150_000 };

async function withPlatform<T>(options: PlatformOptions, check: (platform: PlatformProcess) => Promise<T>): Promise<T> {
  const platform = await startPlatform({ ...shared, ...options });
  try {
    return await check(platform);
  } finally {
    await platform.stop();
  }
}

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
const upcoming = async (platform: PlatformProcess) => (await json(await fetch(`${platform.url}/api/events?limit=100`))).body.events as { name: string }[];
const signIn = (platform: PlatformProcess, email: string, password: string) =>
  fetch(`${platform.url}/api/users/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }).then(json);
const makeDemo = (platform: PlatformProcess, env: Record<string, string>) =>
  callPlatformModule<DemoReport>('demo.mjs', 'makeDemo', { asked: true, env, running: ['auth', 'catalog'], gatewayUrl: platform.url, credentialsFile: demoAdminFile });

afterAll(() => fs.rmSync(path.dirname(demoAdminFile), { recursive: true, force: true }));

test('npm start asks for the demo, --no-demo does not; the library (tests) only when asked', async () => {
  const optionsFor = async (argv: string[]) => callPlatformModule<{ demo: boolean; only?: string }>('cli-options.mjs', 'startOptions', await callPlatformModule('cli-options.mjs', 'parse', argv));
  expect(await optionsFor([])).toMatchObject({ demo: true });
  expect(await optionsFor(['--no-demo', '--only', 'auth'])).toMatchObject({ demo: false, only: 'auth' });
});

test('not asked for: no admin account, nothing in the catalogue, no credentials file', async () => {
  await withPlatform({ cleanupOnStop: false }, async (platform) => {
    expect(platform.demo).toEqual({ skipped: 'not asked for' });
    expect(await upcoming(platform)).toEqual([]);
    expect((await signIn(platform, 'admin@ticketing.test', 'anything at all')).status).toBe(400);
    expect(fs.existsSync(demoAdminFile)).toBe(false);
    // NODE_ENV=production never makes it, asked or not.
    expect(await makeDemo(platform, { NODE_ENV: 'production' })).toEqual({ skipped: 'NODE_ENV=production' });
    expect(await upcoming(platform)).toEqual([]);
  });
}, 180_000);

test('a first start signs the admin up with a generated password (kept 0600) and fills the empty catalogue', async () => {
  await withPlatform({ cleanupOnStop: false, demo: true }, async (platform) => {
    expect(platform.demo).toEqual({ admin: { email: 'admin@ticketing.test', password: expect.stringMatching(/^\S{12,}$/), signedUp: true }, events: { created: 40, kept: false } });
    expect(fs.statSync(demoAdminFile).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(fs.readFileSync(demoAdminFile, 'utf8'));
    expect(stored).toEqual({ email: 'admin@ticketing.test', password: platform.demo.admin!.password });
    expect(await upcoming(platform)).toHaveLength(40);
    expect(await signIn(platform, stored.email, stored.password)).toEqual({ status: 200, body: { id: expect.any(String), email: 'admin@ticketing.test', roles: ['admin'] } });
    expect(platform.logs()).toMatch(/demo catalogue: 40 events/);
  });
}, 180_000);

test('a second start finds both: signs the admin in with the same password and schedules nothing', async () => {
  const { password } = JSON.parse(fs.readFileSync(demoAdminFile, 'utf8'));
  await withPlatform({ cleanupOnStop: true, demo: true }, async (platform) => {
    expect(platform.demo).toEqual({ admin: { email: 'admin@ticketing.test', password, signedUp: false }, events: { created: 0, kept: true } });
    const names = (await upcoming(platform)).map((e) => e.name);
    expect(names).toHaveLength(40);
    expect(platform.logs()).toMatch(/demo catalogue: the catalogue has upcoming events; left as it is/);
    // And a third time, straight from the module: still nothing new.
    expect(await makeDemo(platform, { NODE_ENV: 'development' })).toMatchObject({ admin: { signedUp: false }, events: { created: 0, kept: true } });
    expect((await upcoming(platform)).map((e) => e.name)).toEqual(names);
  });
}, 180_000);
