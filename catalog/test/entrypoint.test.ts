import {
  collectEvents,
  createTestBus,
  createTestDatabase,
  launchService,
  publishTestEvent,
  signedInAdmin,
  startServiceOnPort,
  serviceEnv,
  waitFor,
  type ServiceOnPort,
  type TestBus,
  type TestDatabase,
} from '@ticketing/common/testing';
import { eventBody, listingSnapshot, silentLogger } from './support';

// The real composition root as a separate process (run from source with tsx, as the dev runner does): start-up
// validation, migrations, readiness, the outbox relay and the listings consumer wired, SIGTERM.

const ENTRY = 'catalog/src/index.ts';
let db: TestDatabase;
let testBus: TestBus;
const running: ServiceOnPort[] = [];

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'catalog_entry'); // empty: the service migrates it at start-up
  testBus = await createTestBus(silentLogger);
});
afterAll(async () => {
  for (const r of running) await r.stop('SIGKILL');
  await testBus.cleanup();
  await db.drop();
});

const env = (): Record<string, string> => serviceEnv({ db, bus: testBus });

it('refuses to start without JWT_PUBLIC_KEY or DATABASE_URL, naming the variable, exit code 78', async () => {
  const { JWT_PUBLIC_KEY: _key, ...noKey } = env();
  const a = await startServiceOnPort(ENTRY, noKey);
  running.push(a);
  expect(await a.exited).toBe(78);
  expect(a.output()).toMatch(/JWT_PUBLIC_KEY is missing/);
  const { DATABASE_URL: _db, ...noDatabase } = env();
  const b = await startServiceOnPort(ENTRY, noDatabase);
  running.push(b);
  expect(await b.exited).toBe(78);
  expect(b.output()).toMatch(/DATABASE_URL is missing/);
}, 60_000);

it('starts ready, publishes what an admin schedules, applies listing summaries, and stops cleanly on SIGTERM', async () => {
  const service = await launchService(ENTRY, env());
  running.push(service);
  const ready = await fetch(service.url('/healthz/ready'));
  expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok', nats: 'ok' } });

  const published = await collectEvents(testBus.bus, 'EVENTS');
  try {
    const res = await fetch(service.url('/api/events'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: signedInAdmin().cookie },
      body: JSON.stringify(eventBody({ name: 'Entrypoint live' })),
    });
    expect(res.status).toBe(201);
    const event = (await res.json()) as { id: string };
    const scheduled = await published.waitFor('event.scheduled', (p) => p.id === event.id, { timeoutMs: 15_000 });
    expect(scheduled.payload).toMatchObject({ name: 'Entrypoint live', version: 0, status: 'scheduled' });

    await publishTestEvent(testBus.bus, 'listing.changed', listingSnapshot({ eventId: event.id, quantity: 2, priceCents: 3500 }));
    await waitFor(async () => {
      const read = (await (await fetch(service.url(`/api/events/${event.id}`))).json()) as { summary: unknown };
      expect(read.summary).toEqual({ listings: 1, ticketsAvailable: 2, minPrice: 35 });
    });
  } finally {
    await published.stop();
  }

  expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  expect(service.output()).toMatch(/"msg":"stopped"/);
}, 120_000);
