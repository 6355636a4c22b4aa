import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '../log/logger';
import { Streams, type EventSubject, type StreamKey } from '../events/contracts';
import { backoffDelay, errorMessage, sleep } from './timing';

export interface BusOptions {
  /** NATS_URL, e.g. nats://127.0.0.1:4222 (several may be given comma-separated). */
  url: string;
  /** Connection name shown by the server (`nats server report connections`): the service's name. */
  name: string;
  /** BUS_NAMESPACE: '' in production; tests use a unique one so parallel test files never share streams. */
  namespace?: string;
  logger: Logger;
  /** Give up the initial connect after this many attempts (default: never give up; each attempt is logged). */
  maxConnectAttempts?: number;
}

export interface Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly namespace: string;
  /** The namespaced wire subject: ns ? `${ns}.${s}` : s. */
  subject(s: EventSubject): string;
  /** The namespaced stream name: ns ? `${ns}_${name}` : name. */
  streamName(k: StreamKey): string;
  /** Strips the namespace from a wire subject; undefined when the subject is not one of ours. */
  eventSubjectOf(wireSubject: string): string | undefined;
  /** False while the connection is down (readiness probes use it). */
  isConnected(): boolean;
  /** The server's version, e.g. "2.10.22" (some features, such as several filter subjects, need 2.10). */
  serverVersion(): string;
  /** Drains subscriptions and closes the connection. Idempotent. */
  close(): Promise<void>;
}

const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]*$/;

/**
 * Connects to NATS and JetStream. The first connection is retried with back-off until it succeeds (each attempt is
 * logged with how to start NATS), so services can start before NATS. After that the client reconnects forever;
 * publishers and consumers pause meanwhile instead of crashing.
 */
export async function connectBus(opts: BusOptions): Promise<Bus> {
  const namespace = opts.namespace ?? '';
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new Error(`bus namespace "${namespace}" may contain only letters, digits, "_" and "-" (it prefixes subjects and stream names)`);
  }
  const logger = opts.logger.child({ component: 'bus' });
  const servers = opts.url.split(',').map((s) => s.trim()).filter(Boolean);
  const maxAttempts = opts.maxConnectAttempts ?? Infinity;

  let nc: NatsConnection | undefined;
  for (let attempt = 1; !nc; attempt++) {
    try {
      nc = await connect({
        servers,
        name: opts.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        pingInterval: 10_000,
        maxPingOut: 3,
      });
    } catch (err) {
      if (attempt >= maxAttempts) {
        throw new Error(`cannot connect to NATS at ${opts.url} after ${attempt} attempts: ${errorMessage(err)}`, { cause: err });
      }
      const delayMs = backoffDelay(attempt - 1, 500, 10_000);
      logger.warn(
        { url: opts.url, attempt, retryInMs: delayMs, err: errorMessage(err) },
        'NATS is not reachable; retrying. Start it with `nats-server -js` (or `docker compose up nats`) and check NATS_URL',
      );
      await sleep(delayMs);
    }
  }
  const conn = nc;

  let connected = true;
  void (async () => {
    for await (const s of conn.status()) {
      if (s.type === 'disconnect') {
        connected = false;
        logger.warn({ server: s.server }, 'NATS connection lost; reconnecting');
      } else if (s.type === 'reconnect') {
        connected = true;
        logger.info({ server: s.server }, 'NATS connection restored');
      } else if (s.type === 'error') {
        logger.error({ err: s.error }, 'NATS connection error');
      } else if (s.type === 'close') {
        connected = false;
      }
    }
  })().catch((err: unknown) => logger.error({ err }, 'NATS status watcher failed'));

  // Closing the connection while we wait would leave an unhandled rejection; keep the error for the log.
  void conn.closed().then((err) => {
    connected = false;
    if (err) logger.error({ err }, 'NATS connection closed with an error');
  });

  const js = jetstream(conn);
  const jsm = await jetstreamManager(conn);
  logger.info({ url: opts.url, namespace, serverVersion: conn.info?.version }, 'connected to NATS JetStream');

  let closing: Promise<void> | undefined;
  const prefix = namespace ? `${namespace}.` : '';
  return {
    nc: conn,
    js,
    jsm,
    namespace,
    subject: (s) => `${prefix}${s}`,
    streamName: (k) => (namespace ? `${namespace}_${Streams[k].name}` : Streams[k].name),
    eventSubjectOf: (wire) => (wire.startsWith(prefix) ? wire.slice(prefix.length) : undefined),
    isConnected: () => connected && !conn.isClosed(),
    serverVersion: () => conn.info?.version ?? '0.0.0',
    close: () => {
      // Draining needs the server; while it is unreachable just close (unacked messages are redelivered anyway).
      closing ??= conn.isClosed()
        ? Promise.resolve()
        : (connected ? conn.drain() : conn.close()).catch((err: unknown) => logger.warn({ err }, 'NATS close failed'));
      return closing;
    },
  };
}

/** True when the connected server is at least major.minor. */
export function serverAtLeast(bus: Pick<Bus, 'serverVersion'>, major: number, minor: number): boolean {
  const [ma = 0, mi = 0] = bus.serverVersion().split('.').map((p) => Number.parseInt(p, 10));
  return ma > major || (ma === major && mi >= minor);
}

/** Readiness probe for the bus: the connection is up and the server answers a round trip. */
export function natsHealthCheck(bus: Pick<Bus, 'isConnected' | 'nc'>): () => Promise<void> {
  return async () => {
    if (!bus.isConnected()) throw new Error('NATS connection is down');
    await bus.nc.flush();
  };
}
