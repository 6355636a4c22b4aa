import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { publishTestEvent, signedInUser, waitFor } from '@ticketing/common/testing';
import { FirstPageCache } from '../src/routes/first-page-cache';
import { orderCreated, startTicketsWithBus, type TicketsWithBus } from './events-support';
import { createTicketAs } from './support';

const MAX_AGE_MS = 1000; // generous: a loaded machine must not expire the page between two requests of one test
let cache: FirstPageCache;
let ctx: TicketsWithBus;
beforeAll(async () => {
  cache = new FirstPageCache(MAX_AGE_MS);
  ctx = await startTicketsWithBus({ firstPageCache: cache });
});
afterAll(async () => {
  await ctx.stop();
});
beforeEach(async () => {
  await ctx.db.pool.query('TRUNCATE tickets, outbox CASCADE');
  cache.invalidate(); // the truncate did not go through the service
});

const seller = signedInUser();
/** A ticket written behind the service's back: only the cache's age limit can make it appear. */
const insertDirectly = (title: string) =>
  ctx.db.pool.query('INSERT INTO tickets (id, title, price_cents, user_id) VALUES ($1, $2, 1000, $3)', [randomUUID(), title, randomUUID()]);
const titles = async (path = '/api/tickets', cookie?: string) => {
  const req = request(ctx.app).get(path);
  if (cookie) req.set('Cookie', cookie);
  return ((await req.expect(200).expect('Content-Type', /application\/json/)).body.tickets as { title: string }[]).map((t) => t.title);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the anonymous first page is served from memory, never older than the age limit', async () => {
  await insertDirectly('first');
  expect(await titles()).toEqual(['first']);
  await insertDirectly('second');
  expect(await titles()).toEqual(['first']);
  await sleep(MAX_AGE_MS + 50);
  expect(await titles()).toEqual(['second', 'first']);
});

test('each limit is its own page', async () => {
  await insertDirectly('first');
  expect(await titles('/api/tickets?limit=5')).toEqual(['first']);
  await insertDirectly('second');
  expect(await titles('/api/tickets?limit=6')).toEqual(['second', 'first']);
});

test('signed-in, searched, per-seller and later pages always read the database', async () => {
  await insertDirectly('first');
  await titles();
  await insertDirectly('second');
  expect(await titles('/api/tickets', seller.cookie)).toEqual(['second', 'first']);
  expect(await titles('/api/tickets?q=sec')).toEqual(['second']);
  const page = await request(ctx.app).get('/api/tickets?limit=1').expect(200);
  expect(page.body.nextCursor).toEqual(expect.any(String));
  expect(await titles(`/api/tickets?limit=1&cursor=${page.body.nextCursor}`)).toEqual(['first']);
});

test('a ticket listed or edited through this service shows on the next request', async () => {
  await insertDirectly('old');
  await titles();
  const t = await createTicketAs(ctx.app, seller, { title: 'new', price: 5 });
  expect(await titles()).toEqual(['new', 'old']);
  await request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ title: 'renamed' }).expect(200);
  expect(await titles()).toEqual(['renamed', 'old']);
});

test('a hold applied by the orders consumer takes the ticket off the cached page', async () => {
  const t = await createTicketAs(ctx.app, seller, { title: 'held soon', price: 5 });
  expect(await titles()).toEqual(['held soon']);
  const eventId = await publishTestEvent(ctx.tb.bus, 'order.created', orderCreated(t));
  await waitFor(async () => (await ctx.db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [eventId])).rowCount === 1, {
    description: 'order.created applied',
  });
  expect(await titles()).toEqual([]);
});

describe('FirstPageCache', () => {
  test('concurrent misses share one load; a load that fails is not kept', async () => {
    const c = new FirstPageCache(1000);
    let loads = 0;
    const load = async () => {
      loads++;
      await sleep(20);
      return 'page';
    };
    expect(await Promise.all([c.page(20, load), c.page(20, load), c.page(20, load)])).toEqual(['page', 'page', 'page']);
    expect(loads).toBe(1);
    const failing = new FirstPageCache(1000);
    await expect(failing.page(20, () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await failing.page(20, async () => 'recovered')).toBe('recovered');
  });

  test('a load running when a change happens is neither kept nor shared', async () => {
    const c = new FirstPageCache(1000);
    let release!: (body: string) => void;
    const before = c.page(20, () => new Promise<string>((r) => (release = r)));
    c.invalidate();
    const after = c.page(20, async () => 'after the change');
    release('before the change');
    expect(await before).toBe('before the change');
    expect(await after).toBe('after the change');
    expect(await c.page(20, async () => 'not asked')).toBe('after the change');
  });

  test('age counts from when the load started, not when it ended', async () => {
    let now = 0;
    const c = new FirstPageCache(250, () => now);
    await c.page(20, async () => {
      now = 200; // a slow SELECT
      return 'slow';
    });
    now = 249;
    expect(await c.page(20, async () => 'fresh')).toBe('slow');
    now = 250;
    expect(await c.page(20, async () => 'fresh')).toBe('fresh');
  });
});
