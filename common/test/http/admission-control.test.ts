import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { createLogger, createServiceApp } from '@ticketing/common';
import { testKeys } from '@ticketing/common/testing';

/** A real listening server whose /slow requests stay in the handler until the test releases them. */
async function startServer(admission: { maxInFlight: number; maxQueued: number; maxQueueWaitMs?: number }) {
  const held: Array<() => void> = [];
  let entered = 0;
  const router = Router();
  router.get('/slow', async (_req, res) => {
    entered++;
    await new Promise<void>((resolve) => held.push(resolve));
    res.json({ ok: true });
  });
  const app = createServiceApp({
    logger: createLogger('admission-test', 'silent'),
    jwtPublicKey: testKeys().publicKey,
    production: false,
    health: { checks: {}, isAccepting: () => true },
    admission,
    routes: router,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
  const get = (path: string) =>
    new Promise<{ status: number; retryAfter?: string; body: string; ms: number }>((resolve, reject) => {
      const t0 = performance.now();
      http
        .get({ host: '127.0.0.1', port, path, agent }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body, ms: performance.now() - t0 }));
        })
        .on('error', reject);
    });
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(cond()).toBe(true);
  };
  /** A request the test can abandon (destroy) before it is answered. */
  const abandon = (path: string) => {
    const req = http.get({ host: '127.0.0.1', port, path });
    req.on('error', () => undefined);
    return () => req.destroy();
  };
  const releaseAll = () => held.splice(0).forEach((r) => r());
  return {
    get,
    abandon,
    until,
    entered: () => entered,
    releaseAll,
    /** Once nothing is in flight or queued any more: one more request enters the handler and is answered 200. */
    admitsAnother: async () => {
      const before = entered;
      const another = get('/slow');
      await until(() => entered === before + 1);
      releaseAll();
      expect((await another).status).toBe(200);
    },
    close: async () => {
      held.splice(0).forEach((r) => r());
      agent.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('admission control', () => {
  it('serves maxInFlight at once, queues maxQueued, refuses the rest at once with 503 + Retry-After, then serves the queue', async () => {
    const s = await startServer({ maxInFlight: 3, maxQueued: 2 });
    try {
      const admitted = Array.from({ length: 5 }, () => s.get('/slow'));
      await s.until(() => s.entered() === 3);
      const refused = await Promise.all(Array.from({ length: 4 }, () => s.get('/slow')));
      for (const r of refused) {
        expect(r.status).toBe(503);
        expect(r.retryAfter).toBe('1');
        expect(JSON.parse(r.body)).toEqual({ errors: [{ message: 'The service is busy; retry in a moment' }] });
        expect(r.ms).toBeLessThan(1000); // at once (had they queued, they would wait until released)
      }
      // Health is never refused: probes must not fail because the service is busy.
      expect((await s.get('/healthz/live')).status).toBe(200);
      expect(s.entered()).toBe(3);
      s.releaseAll(); // the three finish; the two queued get their slots
      await s.until(() => s.entered() === 5);
      s.releaseAll();
      expect((await Promise.all(admitted)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      // Everything finished: the slots are free again.
      await s.admitsAnother();
    } finally {
      await s.close();
    }
  });

  it('refuses arrivals at once while the oldest queued request has waited longer than maxQueueWaitMs', async () => {
    const s = await startServer({ maxInFlight: 1, maxQueued: 10, maxQueueWaitMs: 200 });
    try {
      const first = s.get('/slow');
      await s.until(() => s.entered() === 1);
      const early = s.get('/slow'); // queued: nobody has waited yet
      await new Promise((r) => setTimeout(r, 50));
      const alsoEarly = s.get('/slow'); // the head has waited 50 ms < 200 ms: queued too
      await new Promise((r) => setTimeout(r, 300));
      const late = await s.get('/slow'); // the head has now waited 350 ms
      expect(late.status).toBe(503);
      expect(late.ms).toBeLessThan(1000); // at once (had it queued, it would wait until released)
      for (let i = 0; i < 3; i++) {
        s.releaseAll();
        await new Promise((r) => setTimeout(r, 50));
      }
      s.releaseAll();
      expect([(await first).status, (await early).status, (await alsoEarly).status]).toEqual([200, 200, 200]);
      // The queue is empty again: the wait bound no longer refuses anyone.
      await s.admitsAnother();
    } finally {
      await s.close();
    }
  });

  it('a client that hangs up while queued gives its place up; one that hangs up mid-request frees its slot', async () => {
    const s = await startServer({ maxInFlight: 1, maxQueued: 1 });
    try {
      const hangUpInHandler = s.abandon('/slow');
      await s.until(() => s.entered() === 1);
      const hangUpInQueue = s.abandon('/slow');
      await new Promise((r) => setTimeout(r, 100));
      hangUpInQueue();
      await new Promise((r) => setTimeout(r, 100));
      // The queue place is free again: this one waits instead of being refused.
      const queued = s.get('/slow');
      await new Promise((r) => setTimeout(r, 100));
      expect(s.entered()).toBe(1);
      // The first client leaves while its handler still runs: its slot goes to the queued request.
      hangUpInHandler();
      await s.until(() => s.entered() === 2);
      s.releaseAll();
      expect((await queued).status).toBe(200);
      expect(s.entered()).toBe(2); // the client that left the queue never reached the handler
    } finally {
      await s.close();
    }
  });
});
