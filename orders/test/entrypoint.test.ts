import { collectEvents, createTestBus, createTestDatabase, launchService, publishTestEvent, serviceEnv, signedInUser, startServiceOnPort, waitFor, type ServiceOnPort, type TestBus, type TestDatabase } from '@ticketing/common/testing';
import { catalogEvent, listingSnapshot, seatsOf } from './support';

// The real composition root as a separate process (run from source, as the dev runner does): the configuration of
// fees and fair holds reaches the rules, migrations run on an empty database, the consumers of LISTINGS and EVENTS
// feed the replicas, and order.created leaves through the relay.

const ENTRY = 'orders/src/index.ts';

let db: TestDatabase;
let testBus: TestBus;
const running: ServiceOnPort[] = [];

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'orders_entry');
  testBus = await createTestBus();
});
afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await testBus.cleanup();
  await db.drop();
});

const env = (): Record<string, string> => serviceEnv({ db, bus: { url: testBus.url, namespace: testBus.namespace } });

it('refuses to start with a fee that is not a percentage, naming the variable, exit code 78', async () => {
  const bad = await startServiceOnPort(ENTRY, { ...env(), BUYER_FEE_PERCENT: '150' });
  running.push(bad);
  expect(await bad.exited).toBe(78);
  expect(bad.output()).toMatch(/BUYER_FEE_PERCENT/);
});

it('refuses a delivery cutoff that is not a positive number of hours, naming the variable, exit code 78', async () => {
  const bad = await startServiceOnPort(ENTRY, { ...env(), DELIVERY_CUTOFF_HOURS: '0' });
  running.push(bad);
  expect(await bad.exited).toBe(78);
  expect(bad.output()).toMatch(/DELIVERY_CUTOFF_HOURS/);
});

it('takes its fees and fair-hold limit from the environment; listing.changed and event.scheduled make a listing orderable', async () => {
  const service = await launchService(ENTRY, { ...env(), BUYER_FEE_PERCENT: '12.5', SELLER_FEE_PERCENT: '2', MAX_HELD_TICKETS_PER_BUYER: '2' });
  running.push(service);
  expect(await (await fetch(service.url('/api/orders/fees'))).json()).toEqual({ buyerFeePercent: 12.5, sellerFeePercent: 2, rounding: 'half-up per order' });

  const published = await collectEvents(testBus.bus, 'ORDERS', ['order.created']);
  try {
    const event = catalogEvent();
    const listing = listingSnapshot({ eventId: event.id, seats: seatsOf(4), priceCents: 1004 });
    await publishTestEvent(testBus.bus, 'event.scheduled', event);
    await publishTestEvent(testBus.bus, 'listing.changed', listing);

    const buyer = signedInUser();
    const post = (quantity: number) =>
      fetch(service.url('/api/orders'), { method: 'POST', headers: { 'content-type': 'application/json', cookie: buyer.cookie }, body: JSON.stringify({ listingId: listing.id, quantity }) });
    let res!: Response;
    await waitFor(async () => {
      res = await post(2);
      expect(res.status).toBe(201);
    });
    const order = (await res.json()) as { id: string; total: number; buyerFee: number };
    // 12.5 % of 20.08 = 2.51 (half up); total 22.59.
    expect(order).toMatchObject({ buyerFee: 2.51, total: 22.59 });
    const refused = await post(1);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toMatch(/at most 2 at once/);

    const created = await published.waitFor('order.created', (p) => p.id === order.id);
    expect(created.payload).toMatchObject({ quantity: 2, unitPriceCents: 1004, buyerFeeCents: 251, sellerFeeCents: 40, totalCents: 2259 });
  } finally {
    await published.stop();
  }
});
