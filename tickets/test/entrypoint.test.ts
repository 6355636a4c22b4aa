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
import { orderCreated } from './events-support';

// The real composition root as a separate process (run from source with tsx, as the dev runner does): start-up
// validation, migrations, readiness over db + NATS, SIGTERM, and a SIGKILL at the worst moment.

const ENTRY = 'tickets/src/index.ts';

let db: TestDatabase;
let nats: NatsServerProcess;
let bus: Bus; // the test's own view of the namespace (to inject order events and read ticket events)
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

it('refuses to start without JWT_PUBLIC_KEY or with a bad BUS_NAMESPACE, naming the variable, exit code 78', async () => {
  const noKey = env();
  delete noKey.JWT_PUBLIC_KEY;
  const a = await startServiceOnPort(ENTRY, noKey);
  expect(await a.exited).toBe(78);
  expect(a.output()).toMatch(/JWT_PUBLIC_KEY is missing/);
  const b = await startServiceOnPort(ENTRY, { ...env(), BUS_NAMESPACE: 'has.dots' });
  expect(await b.exited).toBe(78);
  expect(b.output()).toMatch(/BUS_NAMESPACE is invalid/);
}, 60_000);

it('survives a SIGKILL after a commit while NATS is down: on restart the event is published and missed order events are applied', async () => {
  const seller = signedInUser();
  const first = await launch();
  const ready = await fetch(first.url('/healthz/ready'));
  expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok', nats: 'ok' } });

  // NATS goes away: the service still takes the listing (its event waits in the outbox) and stays ready, reporting the
  // outage: readiness means "can serve requests", and it can.
  await nats.stop('SIGKILL');
  const created = await fetch(first.url('/api/tickets'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: seller.cookie },
    body: JSON.stringify({ title: 'Survivor', price: 42 }),
  });
  expect(created.status).toBe(201);
  const ticket = (await created.json()) as { id: string; price: number };
  await waitFor(async () => {
    const res = await fetch(first.url('/healthz/ready'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'degraded', checks: { database: 'ok', nats: expect.stringMatching(/^down/) } });
  });

  // The process dies at the worst moment: committed, not published.
  first.child.kill('SIGKILL');
  await first.exited;
  expect((await db.pool.query('SELECT sent_at FROM outbox WHERE payload->>$1 = $2', ['id', ticket.id])).rows).toEqual([{ sent_at: null }]);

  // While tickets is down, orders holds the ticket.
  await nats.start();
  await waitFor(() => bus.isConnected(), { timeoutMs: 15_000 });
  const order = orderCreated(ticket);
  await publishTestEvent(bus, 'order.created', order);

  const second = await launch();
  const events = await collectEvents(bus, 'TICKETS');
  try {
    const createdEvent = await events.waitFor('ticket.created', (p) => p.id === ticket.id, { timeoutMs: 15_000 });
    expect(createdEvent.payload).toMatchObject({ version: 0, priceCents: 4200 });
    const held = await events.waitFor('ticket.updated', (p) => p.id === ticket.id, { timeoutMs: 15_000 });
    expect(held.payload).toMatchObject({ version: 1, status: 'reserved', orderId: order.id });
  } finally {
    await events.stop();
  }
  const res = await fetch(second.url(`/api/tickets/${ticket.id}`));
  expect(await res.json()).toMatchObject({ status: 'reserved', orderId: order.id, version: 1 });

  // SIGTERM: a clean stop with exit code 0.
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(second.output()).toMatch(/"msg":"stopped"/);
}, 120_000);
