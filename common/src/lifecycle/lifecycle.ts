import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log/logger';

type Closer = { name: string; close: () => Promise<unknown> | unknown };

/**
 * Graceful shutdown, in the order a load balancer needs: fail readiness, stop accepting, let in-flight requests
 * finish, then close the resources registered (listeners before pools, in reverse order of registration), then exit.
 */
export class Lifecycle {
  private accepting = true;
  private closers: Closer[] = [];
  private stopping?: Promise<void>;

  constructor(
    private readonly logger: Logger,
    private readonly opts: { drainDelayMs?: number; timeoutMs?: number; exit?: (code: number) => void } = {},
  ) {}

  isAccepting = (): boolean => this.accepting;

  /** Resources close in reverse order: register the pool first, the listeners last. */
  onShutdown(name: string, close: Closer['close']): void {
    this.closers.push({ name, close });
  }

  /** HTTP server: stop accepting, wait for in-flight requests, drop idle keep-alive sockets. */
  registerServer(server: Server): void {
    const inFlight = new Set<ServerResponse>();
    // Prepended, so it runs before the app's handler may answer.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      if (!this.accepting && !res.headersSent) res.setHeader('Connection', 'close');
    });
    this.onShutdown('http server', () =>
      new Promise<void>((resolve) => {
        // Answers still to be written tell the client not to reuse the connection, and Node closes it after them.
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        // A keep-alive connection whose request was in flight turns idle once answered: close it then, rather than
        // holding the shutdown until its keep-alive timeout (5 s) expires.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }),
    );
  }

  /** Creates the HTTP server, registers it for graceful shutdown and resolves once it listens (rejects if it cannot). */
  listen(app: RequestListener, port: number): Promise<Server> {
    const server = createServer(app);
    this.registerServer(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  installSignalHandlers(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        this.logger.info({ signal }, 'shutting down');
        void this.shutdown(0);
      });
    }
    process.on('unhandledRejection', (reason) => {
      this.logger.fatal({ err: reason }, 'unhandled promise rejection; shutting down');
      void this.shutdown(1);
    });
    process.on('uncaughtException', (err) => {
      this.logger.fatal({ err }, 'uncaught exception; shutting down');
      void this.shutdown(1);
    });
  }

  shutdown(code = 0): Promise<void> {
    this.stopping ??= this.run(code);
    return this.stopping;
  }

  private async run(code: number): Promise<void> {
    this.accepting = false;
    const exit = this.opts.exit ?? ((c: number) => process.exit(c));
    const timeoutMs = this.opts.timeoutMs ?? 15000;
    const force = setTimeout(() => {
      this.logger.error({ timeoutMs }, 'shutdown timed out; exiting anyway');
      exit(code || 1);
    }, timeoutMs);
    force.unref();
    // Give the load balancer a moment to see readiness fail before the listener goes away.
    if (this.opts.drainDelayMs) await new Promise((r) => setTimeout(r, this.opts.drainDelayMs));
    for (const closer of [...this.closers].reverse()) {
      try {
        await closer.close();
        this.logger.debug({ resource: closer.name }, 'closed');
      } catch (err) {
        this.logger.error({ err, resource: closer.name }, 'failed to close cleanly');
      }
    }
    clearTimeout(force);
    this.logger.info('stopped');
    exit(code);
  }
}
