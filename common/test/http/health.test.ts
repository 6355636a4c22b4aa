import { Router } from 'express';
import request from 'supertest';
import { serviceApp } from './service-app';

const ok = () => Promise.resolve();
const down = (why: string) => () => Promise.reject(new Error(why));

describe('health routes', () => {
  it('live: 200 whatever the dependencies', async () => {
    const app = serviceApp(Router(), { health: { checks: { database: down('refused') } } });
    const res = await request(app).get('/healthz/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('ready: 200 when every check answers', async () => {
    const app = serviceApp(Router(), { health: { checks: { database: ok, nats: ok } } });
    const res = await request(app).get('/healthz/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', nats: 'ok' } });
  });

  it('ready: 503 naming the check that failed', async () => {
    const app = serviceApp(Router(), { health: { checks: { database: ok, nats: down('connection refused') } } });
    const res = await request(app).get('/healthz/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable', checks: { database: 'ok', nats: 'down: connection refused' } });
  });

  it('ready: 200 "degraded" when only a reported dependency (the bus) is down, naming it', async () => {
    const app = serviceApp(Router(), { health: { checks: { database: ok }, reported: { nats: down('connection refused') } } });
    const res = await request(app).get('/healthz/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'degraded', checks: { database: 'ok', nats: 'down: connection refused' } });
  });

  it('ready: 503 when a check hangs past the timeout', async () => {
    const app = serviceApp(Router(), {
      health: { checks: { database: () => new Promise(() => undefined) }, timeoutMs: 100 },
    });
    const started = Date.now();
    const res = await request(app).get('/healthz/ready');
    expect(res.status).toBe(503);
    expect(res.body.checks.database).toBe('down: no answer within 100 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('ready: 503 "shutting-down" once shutdown begins, without running the checks', async () => {
    let accepting = true;
    let checked = 0;
    const app = serviceApp(Router(), { health: { checks: { database: async () => void checked++ }, isAccepting: () => accepting } });
    expect((await request(app).get('/healthz/ready')).status).toBe(200);
    accepting = false;
    const res = await request(app).get('/healthz/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'shutting-down' });
    expect(checked).toBe(1);
  });
});
