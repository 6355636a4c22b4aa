// Types for scripts/platform/process.cjs (tests) and, through index.d.mts, for scripts/platform/index.mjs.
import type { ServiceName } from '../services.cjs';

export type { ServiceName } from '../services.cjs';

export interface PlatformOptions {
  /** Gateway port; 0 (the default for process.cjs) isolates: free ports, unique databases and namespaces. */
  port?: number;
  /** Only these services (names, or "auth,tickets"); default: every service whose entry file exists. */
  only?: ServiceName[] | string;
  /** Extra environment for every process, e.g. { ORDER_EXPIRATION_SECONDS: '5' }. */
  env?: Record<string, string>;
  /** Extra environment for one service, applied last. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Fixed ports for some services. */
  servicePorts?: Partial<Record<ServiceName, number>>;
  /** Databases are named `${databasePrefix}_${service}`. */
  databasePrefix?: string;
  busNamespace?: string;
  /** Prefixes each service's Redis keys (auth's rate limits, expiration's queue). */
  redisNamespace?: string;
  /** tsx watch and next dev instead of built code. */
  watch?: boolean;
  /** false: run what is already built. */
  build?: boolean;
  json?: boolean;
  color?: boolean;
  /** Also append every log line, as plain text, to this file. */
  logFile?: string;
  keys?: { publicKey: string; privateKey: string };
  /**
   * Once ready, make the demo (scripts/platform/demo.mjs): the demo admin signed up or in, and on a catalogue with no
   * upcoming event the demo catalogue. Default false (`npm start` asks for it); skipped under NODE_ENV=production.
   */
  demo?: boolean;
  /** Where the demo admin's generated credentials are kept; default .keys/demo-admin.json. */
  demoAdminFile?: string;
  /** Drop the databases, the bus namespace's streams and the Redis keys at stop. Default: true when isolated (port 0). */
  cleanupOnStop?: boolean;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  gatewayTimeoutMs?: number;
  restartPolicy?: Partial<{ fastFailMs: number; maxFastFailures: number; restartDelayMs: number; maxRestartDelayMs: number; healthyAfterMs: number }>;
}

export interface RunningService {
  name: ServiceName;
  port: number;
  /** Direct URL (http://127.0.0.1:port), bypassing the gateway. */
  url: string;
  /** Gateway path prefixes; none for expiration. */
  routes: string[];
  pid: number | undefined;
}

/** What the demo did: `skipped` says why it was not made; `problem`, why it stopped part-way (the platform runs on). */
export interface DemoReport {
  skipped?: string;
  admin?: { email: string; password: string; signedUp: boolean };
  /** Events the demo scheduled; `kept` when the catalogue already had upcoming events and was left alone. */
  events?: { created: number; kept: boolean };
  /** The demo seller (when tickets runs), whose listings a newcomer can buy from at once. */
  seller?: { email: string; password: string; signedUp: boolean };
  /** Listings the demo made; `kept` when the seller already had listings and they were left alone. */
  listings?: { created: number; kept: boolean };
  problem?: string;
}

export interface PlatformInfo {
  /** The gateway: http://localhost:<port>. */
  url: string;
  port: number;
  services: RunningService[];
  /** service → database name. */
  databases: Partial<Record<ServiceName, string>>;
  busNamespace: string;
  /** The session key pair the services use (sign test sessions with privateKey). */
  keys: { publicKey: string; privateKey: string };
  logFile: string | undefined;
  /** Services not started because their entry file does not exist yet. */
  skipped: { name: ServiceName; why: string }[];
  demo: DemoReport;
}

export interface PlatformProcess extends PlatformInfo {
  logFile: string;
  /** Signals one service's process group (default SIGKILL); the platform restarts it after about a second. */
  kill(name: ServiceName, signal?: NodeJS.Signals): Promise<boolean>;
  /** Stops one service gracefully and keeps it stopped (its routes answer 502). */
  stopService(name: ServiceName): Promise<void>;
  /** Starts a stopped service; resolves once it is ready. */
  startService(name: ServiceName): Promise<void>;
  /** Current process ids (they change when a service restarts). */
  pids(): Promise<Partial<Record<ServiceName, number | null>>>;
  /** The platform's whole log so far. */
  logs(): string;
  /** Stops every process (SIGTERM, then SIGKILL after the timeout) and cleans up (databases, streams, Redis keys). */
  stop(timeoutMs?: number): Promise<void>;
  /** Resolves when the platform has stopped, on its own (a service gave up) or through stop(). */
  closed: Promise<{ code: number; reason: string }>;
}

/** Starts an isolated platform in a child process; resolves once every process answers its readiness check. */
export function startPlatform(options?: PlatformOptions & { startTimeoutMs?: number }): Promise<PlatformProcess>;

export const ROOT: string;
