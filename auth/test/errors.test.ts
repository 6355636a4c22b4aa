import request from 'supertest';
import { createLogger, createPool } from '@ticketing/common';
import { buildApp } from '../src/app';
import { authHarnessForFile, uniqueEmail } from './helpers';

const h = authHarnessForFile();

describe('unexpected failures', () => {
  it('database gone mid-flight: 500 with a request id and a generic message, no stack or SQL; readiness 503', async () => {
    // A pool of its own over the test database, closed under the app, as if the database went away.
    const pool = createPool(h.db.url, createLogger('auth-test', 'silent'));
    const app = buildApp({ pool, redis: h.redis, logger: createLogger('auth-test', 'silent'), config: h.config });
    await request(app).post('/api/users/signup').send({ email: uniqueEmail('before'), password: 'password123' }).expect(201);
    await pool.end();

    for (const path of ['/api/users/signup', '/api/users/signin']) {
      const res = await request(app).post(path).set('X-Request-Id', `req-${path.length}-abc`).send({ email: uniqueEmail('after'), password: 'password123' });
      expect(res.status).toBe(500);
      expect(res.body.requestId).toBe(`req-${path.length}-abc`);
      expect(res.body.errors).toEqual([{ message: expect.stringContaining(`req-${path.length}-abc`) }]);
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+|pool|INSERT|SELECT/i);
    }
    const ready = await request(app).get('/healthz/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toMatch(/^down/);
    expect(ready.body.checks.redis).toBe('ok');
  });

  it('mints a request id when the caller sends none, and answers it in the header too', async () => {
    const pool = createPool(h.db.url, createLogger('auth-test', 'silent'));
    const app = buildApp({ pool, redis: h.redis, logger: createLogger('auth-test', 'silent'), config: h.config });
    await pool.end();
    const res = await request(app).post('/api/users/signup').send({ email: uniqueEmail('x'), password: 'password123' });
    expect(res.status).toBe(500);
    expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });
});

describe('routing', () => {
  it('unknown route → 404 in the error shape', async () => {
    const res = await request(h.app()).get('/api/users/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String) }] });
  });

  it('liveness answers 200', async () => {
    expect((await request(h.app()).get('/healthz/live')).status).toBe(200);
  });
});
