import { randomUUID } from 'node:crypto';
import { createLogger, connectBus, type Bus } from '@ticketing/common';
import {
  collectEvents,
  createTestDatabase,
  deleteNamespace,
  publishTestEvent,
  signedInUser,
  startNatsServer,
  serviceEnv,
  waitFor,
  type NatsServerProcess,
  type TestDatabase,
  launchService,
  startServiceOnPort,
  type ServiceOnPort,
} from '@ticketing/common/testing';
import { scheduledEvent } from './events-support';
import { orderCreated } from './order-fixtures';
import type { ListingBody } from './support';

// The real composition root as a separate process (run from source with tsx, as the dev runner does): start-up
// validation, migrations, readiness over db + NATS, SIGTERM, and a SIGKILL at the worst moment.

const ENTRY = 'tickets/src/index.ts';

let db: TestDatabase;
let nats: NatsServerProcess;
let bus: Bus; // the test's own view of the namespace (to inject catalogue and order events and read listing events)
const namespace = `entry${randomUUID().slice(0, 8)}`;
const running: ServiceOnPort[] = [];

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'tickets_entry'); // empty: the service migrates it at start-up
  nats = await startNatsServer(); // a NATS of this file's own, so it can be stopped without disturbing others
  bus = await connectBus({ url: nats.url, name: 'tickets-entry-test', namespace, logger: createLogger('test', 'silent') });
});
afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await deleteNamespace(bus).catch(() => undefined);
  await nats.cleanup();
  await db.drop();
});

const env = (): Record<string, string> => serviceEnv({ db, bus: { url: nats.url, namespace } });

async function launch(): Promise<ServiceOnPort> {
  const r = await launchService(ENTRY, env());
  running.push(r);
  return r;
}

it('refuses to start without JWT_PUBLIC_KEY, with a bad BUS_NAMESPACE or MAX_MARKUP_PERCENT, naming the variable, exit code 78', async () => {
  const noKey = env();
  delete noKey.JWT_PUBLIC_KEY;
  const a = await startServiceOnPort(ENTRY, noKey);
  expect(await a.exited).toBe(78);
  expect(a.output()).toMatch(/JWT_PUBLIC_KEY is missing/);
  const b = await startServiceOnPort(ENTRY, { ...env(), BUS_NAMESPACE: 'has.dots' });
  expect(await b.exited).toBe(78);
  expect(b.output()).toMatch(/BUS_NAMESPACE is invalid/);
  const c = await startServiceOnPort(ENTRY, { ...env(), MAX_MARKUP_PERCENT: 'lots' });
  expect(await c.exited).toBe(78);
  expect(c.output()).toMatch(/MAX_MARKUP_PERCENT/);
}, 60_000);

it('survives a SIGKILL after a commit while NATS is down: on restart the event is published and missed order events are applied', async () => {
  const seller = signedInUser();
  const first = await launch();
  const ready = await fetch(first.url('/healthz/ready'));
  expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok', nats: 'ok' } });

  // The catalogue schedules an event; the service's EVENTS consumer puts it in its replica.
  const event = scheduledEvent(randomUUID());
  await publishTestEvent(bus, 'event.scheduled', event);
  await waitFor(async () => (await db.pool.query('SELECT 1 FROM catalog_events WHERE id = $1', [event.id])).rowCount === 1, {
    description: 'the event in the replica',
  });

  // NATS goes away: the service still takes the listing (its event waits in the outbox) and stays ready, reporting the
  // outage: readiness means "can serve requests", and it can.
  await nats.stop('SIGKILL');
  const created = await fetch(first.url('/api/listings'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: seller.cookie },
    body: JSON.stringify({ eventId: event.id, section: 'Pit', seats: ['1', '2', '3'], price: 42, faceValue: 40, split: 'any' }),
  });
  expect(created.status).toBe(201);
  const listing = (await created.json()) as ListingBody;
  await waitFor(async () => {
    const res = await fetch(first.url('/healthz/ready'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'degraded', checks: { database: 'ok', nats: expect.stringMatching(/^down/) } });
  });

  // The process dies at the worst moment: committed, not published.
  first.child.kill('SIGKILL');
  await first.exited;
  expect((await db.pool.query('SELECT sent_at FROM outbox WHERE payload->>$1 = $2', ['id', listing.id])).rows).toEqual([{ sent_at: null }]);

  // While tickets is down, orders holds two of the tickets.
  await nats.start();
  await waitFor(() => bus.isConnected(), { timeoutMs: 15_000 });
  const order = orderCreated(listing, listing.tickets.slice(0, 2));
  await publishTestEvent(bus, 'order.created', order);

  const second = await launch();
  const events = await collectEvents(bus, 'LISTINGS');
  try {
    const createdEvent = await events.waitFor('listing.changed', (p) => p.id === listing.id && p.version === 0, { timeoutMs: 15_000 });
    expect(createdEvent.payload).toMatchObject({ available: 3, priceCents: 4200 });
    const held = await events.waitFor('listing.changed', (p) => p.id === listing.id && p.version === 1, { timeoutMs: 15_000 });
    expect(held.payload).toMatchObject({ available: 1, tickets: [{ status: 'held' }, { status: 'held' }, { status: 'available' }] });
  } finally {
    await events.stop();
  }
  // MAX_MARKUP_PERCENT unset: the platform's default cap.
  expect(await (await fetch(second.url('/api/listings/terms'))).json()).toMatchObject({ maxMarkupPercent: 20 });
  const res = await fetch(second.url(`/api/listings/${listing.id}`));
  expect(await res.json()).toMatchObject({ available: 1, version: 1, buyableQuantities: [1] });

  // SIGTERM: a clean stop with exit code 0.
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(second.output()).toMatch(/"msg":"stopped"/);
}, 120_000);
