import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, Lifecycle } from '@ticketing/common';

const logger = createLogger('lifecycle-test', 'silent');

interface Harness {
  server: http.Server;
  port: number;
  /** Resolves the slow route's pending answers. */
  release: () => void;
  requestsSeen: () => number;
}

/** A real HTTP server with one slow route (/slow waits for release()) and one fast route. */
async function startServer(): Promise<Harness> {
  let waiting: Array<() => void> = [];
  let seen = 0;
  const server = http.createServer((req, res) => {
    seen++;
    if (req.url === '/slow') {
      waiting.push(() => res.end('slow done'));
    } else {
      res.end('fast');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    release: () => {
      for (const w of waiting) w();
      waiting = [];
    },
    requestsSeen: () => seen,
  };
}

function get(port: number, path: string, agent?: http.Agent): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', path, agent: agent ?? false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
      })
      .on('error', reject);
  });
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('Lifecycle.shutdown', () => {
  it('fails readiness, stops accepting, finishes the in-flight request, closes resources in reverse order, then exits', async () => {
    const h = await startServer();
    const events: string[] = [];
    const exit = jest.fn((code: number) => void events.push(`exit ${code}`));
    const lifecycle = new Lifecycle(logger, { exit });
    lifecycle.onShutdown('pool', async () => void events.push('pool closed'));
    lifecycle.onShutdown('bus', async () => void events.push('bus closed'));
    lifecycle.onShutdown('consumers', () => void events.push('consumers closed'));
    lifecycle.registerServer(h.server);
    h.server.on('close', () => events.push('server closed'));

    const keepAlive = new http.Agent({ keepAlive: true });
    const inFlight = get(h.port, '/slow', keepAlive);
    while (h.requestsSeen() < 1) await tick(5);

    expect(lifecycle.isAccepting()).toBe(true);
    const stopped = lifecycle.shutdown(0);
    expect(lifecycle.isAccepting()).toBe(false);
    await tick(50);
    await expect(get(h.port, '/fast')).rejects.toThrow(/ECONNREFUSED/);
    expect(events).toEqual([]); // nothing closes while the request is in flight

    const startedRelease = Date.now();
    h.release();
    const answer = await inFlight;
    expect(answer).toMatchObject({ status: 200, body: 'slow done', connection: 'close' });
    await stopped;
    // The answered keep-alive connection is closed at once instead of holding shutdown for its 5 s timeout.
    expect(Date.now() - startedRelease).toBeLessThan(1000);
    expect(events).toEqual(['server closed', 'consumers closed', 'bus closed', 'pool closed', 'exit 0']);
    expect(exit).toHaveBeenCalledTimes(1);
    keepAlive.destroy();
  });

  it('closes idle keep-alive connections immediately', async () => {
    const h = await startServer();
    const exit = jest.fn();
    const lifecycle = new Lifecycle(logger, { exit });
    lifecycle.registerServer(h.server);
    const keepAlive = new http.Agent({ keepAlive: true });
    await get(h.port, '/fast', keepAlive); // leaves an idle socket open
    const started = Date.now();
    await lifecycle.shutdown(0);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(exit).toHaveBeenCalledWith(0);
    keepAlive.destroy();
  });

  it('a resource that fails to close does not stop the others from closing', async () => {
    const closed: string[] = [];
    const exit = jest.fn();
    const lifecycle = new Lifecycle(logger, { exit });
    lifecycle.onShutdown('pool', () => void closed.push('pool'));
    lifecycle.onShutdown('broken', () => Promise.reject(new Error('already gone')));
    lifecycle.onShutdown('relay', () => void closed.push('relay'));
    await lifecycle.shutdown(0);
    expect(closed).toEqual(['relay', 'pool']);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('shutting down twice closes everything once and exits once', async () => {
    const close = jest.fn();
    const exit = jest.fn();
    const lifecycle = new Lifecycle(logger, { exit });
    lifecycle.onShutdown('pool', close);
    await Promise.all([lifecycle.shutdown(0), lifecycle.shutdown(1)]);
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('a shutdown that hangs exits anyway after timeoutMs, with a failure code', async () => {
    const exit = jest.fn();
    const lifecycle = new Lifecycle(logger, { exit, timeoutMs: 100 });
    lifecycle.onShutdown('stuck', () => new Promise(() => undefined));
    void lifecycle.shutdown(0);
    await tick(300);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('drainDelayMs: readiness fails first, the server keeps answering during the delay, then closes', async () => {
    const h = await startServer();
    const exit = jest.fn();
    const lifecycle = new Lifecycle(logger, { exit, drainDelayMs: 300 });
    lifecycle.registerServer(h.server);
    const stopped = lifecycle.shutdown(0);
    expect(lifecycle.isAccepting()).toBe(false);
    const during = await get(h.port, '/fast');
    expect(during.status).toBe(200);
    expect(during.connection).toBe('close'); // new requests during the drain are told not to reuse the connection
    await stopped;
    await expect(get(h.port, '/fast')).rejects.toThrow(/ECONNREFUSED/);
    expect(exit).toHaveBeenCalledWith(0);
  });
});
