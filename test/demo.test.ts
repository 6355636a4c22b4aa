import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { callPlatformModule, startPlatform, type DemoReport, type PlatformOptions, type PlatformProcess } from './support/platform-runner';

// The demo `npm start` makes (scripts/platform/demo.mjs), through the gateway of a real platform (auth, catalog and
// tickets as processes): the admin, the catalogue, and the demo seller's listings. Three starts share their databases, bus namespace and Redis prefix, as three `npm start`s on one machine
// would; the last one drops them. The admin's and the seller's credentials go to a folder of this test's own, not the repository's .keys/.

const id = `demo_${randomBytes(4).toString('hex')}`;
const demoAdminFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ticketing-demo-')), 'demo-admin.json');
const demoSellerFile = path.join(path.dirname(demoAdminFile), 'demo-seller.json');
const shared: PlatformOptions & { startTimeoutMs: number } = { only: ['auth', 'catalog', 'tickets'], databasePrefix: id, busNamespace: id, redisNamespace: id, demoAdminFile, startTimeoutMs: 150_000 };

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
  callPlatformModule<DemoReport>('demo.mjs', 'makeDemo', { asked: true, env, running: ['auth', 'catalog', 'tickets'], gatewayUrl: platform.url, credentialsFile: demoAdminFile });

const demoOf = (platform: PlatformProcess): DemoReport => platform.demo;

interface Listing {
  eventId: string;
  sellerId: string;
  section: string;
  row: string | null;
  price: number;
  faceValue: number;
  split: string;
  delivery: string;
  quantity: number;
  available: number;
  status: string;
  tickets: { seat: string | null }[];
}

/** Every listing of the seller (all pages), as anyone sees it. */
async function listingsOf(platform: PlatformProcess, sellerId: string): Promise<Listing[]> {
  const all: Listing[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ sellerId, limit: '100', ...(cursor ? { cursor } : {}) });
    const page = (await json(await fetch(`${platform.url}/api/listings?${query}`))).body as { listings: Listing[]; nextCursor: string | null };
    all.push(...page.listings);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

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
    expect(fs.existsSync(demoSellerFile)).toBe(false);
    // NODE_ENV=production never makes it, asked or not.
    expect(await makeDemo(platform, { NODE_ENV: 'production' })).toEqual({ skipped: 'NODE_ENV=production' });
    expect(await upcoming(platform)).toEqual([]);
  });
}, 180_000);

test('a first start signs the admin up with a generated password (kept 0600), fills the empty catalogue, and a demo seller lists tickets for most events', async () => {
  await withPlatform({ cleanupOnStop: false, demo: true }, async (platform) => {
    const demo = demoOf(platform);
    expect(demo).toEqual({
      admin: { email: 'admin@ticketing.test', password: expect.stringMatching(/^\S{12,}$/), signedUp: true },
      events: { created: 40, kept: false },
      seller: { email: 'seller@ticketing.test', password: expect.stringMatching(/^\S{12,}$/), signedUp: true },
      listings: { created: expect.any(Number), kept: false },
    });
    expect(fs.statSync(demoAdminFile).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(fs.readFileSync(demoAdminFile, 'utf8'));
    expect(stored).toEqual({ email: 'admin@ticketing.test', password: platform.demo.admin!.password });
    const events = await upcoming(platform);
    expect(events).toHaveLength(40);
    expect(await signIn(platform, stored.email, stored.password)).toEqual({ status: 200, body: { id: expect.any(String), email: 'admin@ticketing.test', roles: ['admin'] } });
    expect(platform.logs()).toMatch(/demo catalogue: 40 events/);

    // The seller: credentials beside the admin's, an ordinary account.
    expect(fs.statSync(demoSellerFile).mode & 0o777).toBe(0o600);
    const seller = JSON.parse(fs.readFileSync(demoSellerFile, 'utf8'));
    expect(seller).toEqual({ email: 'seller@ticketing.test', password: demo.seller!.password });
    const signedIn = await signIn(platform, seller.email, seller.password);
    expect(signedIn).toEqual({ status: 200, body: { id: expect.any(String), email: 'seller@ticketing.test', roles: [] } });

    const listings = await listingsOf(platform, signedIn.body.id as string);
    expect(listings).toHaveLength(demo.listings!.created);
    expect(platform.logs()).toMatch(new RegExp(`demo listings: ${listings.length} listings from seller@ticketing.test`));
    // Most events have tickets, some do not (the pages show both).
    const eventIds = new Set(listings.map((l) => l.eventId));
    expect(eventIds.size).toBeGreaterThanOrEqual(events.length * 0.6);
    expect(eventIds.size).toBeLessThan(events.length);
    const known = new Set((events as unknown as { id: string }[]).map((e) => e.id));
    for (const l of listings) {
      expect(known.has(l.eventId)).toBe(true);
      // An instant listing is on sale (active) only once every ticket has its item: the demo attached them all.
      expect(l).toMatchObject({ status: 'active', available: l.quantity });
      expect(['instant', 'later']).toContain(l.delivery);
      expect(l.quantity).toBeGreaterThanOrEqual(1);
      expect(l.quantity).toBeLessThanOrEqual(8);
      // Within the platform's default cap: 20 % over face value, compared in cents.
      expect(Math.round(l.price * 100)).toBeLessThanOrEqual(Math.round(l.faceValue * 100) + Math.floor(Math.round(l.faceValue * 100) * 0.2));
      if (l.split === 'even') expect(l.quantity % 2).toBe(0);
    }
    // A mix: numbered seats and general admission, several split rules.
    const numbered = listings.filter((l) => l.tickets.every((t) => t.seat !== null));
    const unnumbered = listings.filter((l) => l.tickets.every((t) => t.seat === null));
    expect(numbered.length).toBeGreaterThan(0);
    expect(unnumbered.length).toBeGreaterThan(0);
    expect(numbered.length + unnumbered.length).toBe(listings.length);
    expect(new Set(listings.map((l) => l.split)).size).toBeGreaterThanOrEqual(3);
    // Some deliver at once (a buyer sees the ticket's code the moment they pay), some later.
    expect(new Set(listings.map((l) => l.delivery))).toEqual(new Set(['instant', 'later']));
    expect(new Set(listings.map((l) => l.quantity)).size).toBeGreaterThanOrEqual(4);
  });
}, 240_000);

test('a second start finds everything: signs the admin and the seller in with the same passwords, schedules and lists nothing', async () => {
  const { password } = JSON.parse(fs.readFileSync(demoAdminFile, 'utf8'));
  const seller = JSON.parse(fs.readFileSync(demoSellerFile, 'utf8'));
  await withPlatform({ cleanupOnStop: true, demo: true }, async (platform) => {
    expect(demoOf(platform)).toEqual({
      admin: { email: 'admin@ticketing.test', password, signedUp: false },
      events: { created: 0, kept: true },
      seller: { email: 'seller@ticketing.test', password: seller.password, signedUp: false },
      listings: { created: 0, kept: true },
    });
    const names = (await upcoming(platform)).map((e) => e.name);
    expect(names).toHaveLength(40);
    expect(platform.logs()).toMatch(/demo catalogue: the catalogue has upcoming events; left as it is/);
    expect(platform.logs()).toMatch(/demo listings: the demo seller has listings; left as they are/);
    const sellerId = (await signIn(platform, seller.email, seller.password)).body.id as string;
    const before = (await listingsOf(platform, sellerId)).length;
    // And a third time, straight from the module: still nothing new.
    expect(await makeDemo(platform, { NODE_ENV: 'development' })).toMatchObject({ admin: { signedUp: false }, events: { created: 0, kept: true }, seller: { signedUp: false }, listings: { created: 0, kept: true } });
    expect((await upcoming(platform)).map((e) => e.name)).toEqual(names);
    expect(await listingsOf(platform, sellerId)).toHaveLength(before);
  });
}, 180_000);
