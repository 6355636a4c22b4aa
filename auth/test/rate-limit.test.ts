import request from 'supertest';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { createLogger } from '@ticketing/common';
import { buildApp } from '../src/app';
import { authHarnessForFile, uniqueEmail } from './helpers';

const h = authHarnessForFile();

// Documentation addresses (RFC 5737), one per test, so the per-address limit of one test does not leak into another.
let lastIp = 0;
const nextIp = (): string => `203.0.113.${++lastIp}`;

async function signUp(email: string, password = 'password123'): Promise<void> {
  await request(h.app()).post('/api/users/signup').send({ email, password }).expect(201);
}

const signIn = (app: Express, ip: string, email: string, password: string) =>
  request(app).post('/api/users/signin').set('X-Forwarded-For', ip).send({ email, password });

function expectTooMany(res: request.Response, windowSeconds = 900): void {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({ errors: [{ message: expect.stringMatching(/too many/i) }] });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

describe('sign-in rate limit per email (5 failures / 15 min by default)', () => {
  it('after 5 failures the email is locked: 429 + Retry-After, even with the right password and from another address', async () => {
    const email = uniqueEmail('locked');
    await signUp(email);
    const app = h.app();
    for (let i = 0; i < 5; i++) expect((await signIn(app, nextIp(), email, `wrong-${i}`)).status).toBe(400);
    expectTooMany(await signIn(app, nextIp(), email.toUpperCase(), 'password123'));
  });

  it('a successful sign-in clears the failures', async () => {
    const email = uniqueEmail('forgiven');
    await signUp(email);
    const app = h.app();
    for (let i = 0; i < 4; i++) expect((await signIn(app, nextIp(), email, `wrong-${i}`)).status).toBe(400);
    expect((await signIn(app, nextIp(), email, 'password123')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await signIn(app, nextIp(), email, `wrong-again-${i}`)).status).toBe(400);
    expectTooMany(await signIn(app, nextIp(), email, 'password123'));
  });

  it('a burst of 20 concurrent guesses gets exactly 5 checked; the rest are 429', async () => {
    const email = uniqueEmail('burst');
    await signUp(email);
    const app = h.app();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(app, nextIp(), email, `guess-${i}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it('the count is shared by every replica (two app instances over one Redis)', async () => {
    const email = uniqueEmail('replicas');
    await signUp(email);
    const [one, two] = [h.app(), h.app()];
    for (let i = 0; i < 5; i++) expect((await signIn(i % 2 ? one : two, nextIp(), email, `wrong-${i}`)).status).toBe(400);
    expectTooMany(await signIn(one, nextIp(), email, 'password123'));
    expectTooMany(await signIn(two, nextIp(), email, 'password123'));
  });

  it('the lock ends with the window', async () => {
    const email = uniqueEmail('window');
    await signUp(email);
    const app = h.app({ SIGNIN_WINDOW_SECONDS: '1' });
    for (let i = 0; i < 5; i++) expect((await signIn(app, nextIp(), email, `wrong-${i}`)).status).toBe(400);
    expectTooMany(await signIn(app, nextIp(), email, 'password123'), 1);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await signIn(app, nextIp(), email, 'password123')).status).toBe(200);
  });
});

describe('sign-in rate limit per client address (30 attempts / 15 min by default)', () => {
  it('the 31st attempt from one address is 429 whatever the emails; other addresses are unaffected', async () => {
    const app = h.app();
    const ip = nextIp();
    for (let i = 0; i < 30; i++) expect((await signIn(app, ip, uniqueEmail('spray'), 'password123')).status).toBe(400);
    expectTooMany(await signIn(app, ip, uniqueEmail('spray'), 'password123'));
    // Held across replicas too, and a client cannot escape it by writing its own X-Forwarded-For entry.
    expectTooMany(await signIn(h.app(), `198.51.100.77, ${ip}`, uniqueEmail('spray'), 'password123'));
    expect((await signIn(app, nextIp(), uniqueEmail('spray'), 'password123')).status).toBe(400);
  });

  it('is configurable (SIGNIN_MAX_ATTEMPTS_PER_IP) and counts successes too', async () => {
    const email = uniqueEmail('ipcount');
    await signUp(email);
    const app = h.app({ SIGNIN_MAX_ATTEMPTS_PER_IP: '3' });
    const ip = nextIp();
    for (let i = 0; i < 3; i++) expect((await signIn(app, ip, email, 'password123')).status).toBe(200);
    expectTooMany(await signIn(app, ip, email, 'password123'));
  });
});

describe('when Redis is unreachable', () => {
  it('sign-in fails open (still checks the password, never 429/5xx) and readiness stays ready, reporting redis down', async () => {
    // Nothing listens on port 1; no reconnect loop, so nothing is left running after the test.
    const deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    deadRedis.on('error', () => undefined);
    const app = buildApp({ pool: h.db.pool, redis: deadRedis, logger: createLogger('auth-test', 'silent'), config: h.config });
    const email = uniqueEmail('failopen');
    await signUp(email);
    const ip = nextIp();
    for (let i = 0; i < 8; i++) expect((await signIn(app, ip, email, `wrong-${i}`)).status).toBe(400);
    expect((await signIn(app, ip, email, 'password123')).status).toBe(200);
    const ready = await request(app).get('/healthz/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'degraded', checks: { database: 'ok', redis: expect.stringMatching(/^down/) } });
    expect(deadRedis.status).toBe('end'); // gave up connecting: nothing left running
  });

  it('readiness is 200 with both dependencies up', async () => {
    const ready = await request(h.app()).get('/healthz/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  });
});
