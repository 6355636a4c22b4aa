import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@ticketing/common/testing';
import { killOnExit } from './infra';

// The platform as separate processes, several replicas of each service, each replica on its own port, under the
// suite's control: SIGKILL one replica, start it again, see which ones run. (scripts/platform/index.mjs runs one process
// per service behind a gateway; this needs replicas and single-process control, and runs inside Jest, which cannot load
// the platform's ES modules: the service table and the build step come through scripts/faults/prepare.mjs.)

const run = promisify(execFile);

/** A service of the table (scripts/services.cjs) other than the client; the workload calls some of them by name. */
export type BackendService = 'auth' | 'tickets' | 'orders' | 'expiration' | 'payments' | 'catalog';

interface ServiceDefinition {
  name: BackendService;
  dir: string;
  entry: string;
  needs: ('db' | 'nats' | 'redis' | 'jwt-private' | 'item-keys')[];
  health: string;
}

export interface PlatformEndpoints {
  databaseUrl(service: BackendService): string;
  natsUrl: string;
  redisUrl: string;
}

export interface ReplicaPlatformOptions {
  replicas: number;
  endpoints: PlatformEndpoints;
  /** Environment for every process (ORDER_EXPIRATION_SECONDS and the like). */
  env: Record<string, string>;
  logDir: string;
}

export type ReplicaState = 'starting' | 'ready' | 'killed' | 'exited';

export interface UnexpectedExit {
  replica: string;
  at: number;
  code: number | null;
  signal: string | null;
  phase: 'starting' | 'running';
}

/** One process of one service. */
export class Replica {
  state: ReplicaState = 'starting';
  child: ChildProcess | undefined;
  starts = 0;
  /**
   * Exits we did not cause. 'starting': it gave up before it was ready (a dependency was down at start-up: exiting for
   * the orchestrator to restart it is the documented behaviour); 'running': it crashed after it was ready.
   */
  unexpectedExits: UnexpectedExit[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private forgetExitHook: (() => void) | undefined;
  private stopped = false;

  constructor(
    readonly service: ServiceDefinition,
    readonly index: number,
    readonly port: number,
    private readonly command: { cwd: string; args: string[]; env: NodeJS.ProcessEnv; logFile: string },
  ) {}

  get name(): string {
    return `${this.service.name}#${this.index}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.child) throw new Error(`${this.name} is already running`);
    this.stopped = false;
    const log = openSync(this.command.logFile, 'a');
    const child = spawn(process.execPath, this.command.args, { cwd: this.command.cwd, env: this.command.env, stdio: ['ignore', log, log] });
    closeSync(log);
    this.child = child;
    this.starts++;
    this.state = 'starting';
    this.forgetExitHook = killOnExit(() => child.kill('SIGKILL'));
    child.once('exit', (code, signal) => {
      this.forgetExitHook?.();
      if (this.child !== child) return;
      this.child = undefined;
      if (this.state === 'killed' || this.stopped) return;
      // Like an orchestrator would: a process that died by itself is started again a second later.
      this.unexpectedExits.push({ replica: this.name, at: Date.now(), code, signal, phase: this.state === 'ready' ? 'running' : 'starting' });
      this.state = 'exited';
      this.restartTimer = setTimeout(() => {
        if (!this.stopped && !this.child) this.start();
      }, 1000);
    });
  }

  /** SIGKILL, no warning; resolves once the process is gone. It stays down until start(). */
  async kill(): Promise<void> {
    clearTimeout(this.restartTimer);
    const child = this.child;
    this.state = 'killed';
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** SIGTERM (graceful), then SIGKILL after the timeout. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  async isReady(): Promise<boolean> {
    if (!this.child) return false;
    try {
      const res = await fetch(`${this.url}${this.service.health}`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200 && this.state === 'starting') this.state = 'ready';
      return res.status === 200;
    } catch {
      return false;
    }
  }

  async waitReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.isReady())) {
      if (Date.now() > deadline) throw new Error(`${this.name} (port ${this.port}) was not ready within ${timeoutMs / 1000} s; see ${this.command.logFile}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Builds what is stale (the platform's build step) and returns the service table's backend services
 * (scripts/services.cjs): the named ones, or without names every one, so a service added to the table runs here too.
 */
export async function prepareServices(root: string, names: BackendService[] = []): Promise<ServiceDefinition[]> {
  const { stdout } = await run(process.execPath, [path.join(root, 'scripts', 'faults', 'prepare.mjs'), ...names], { cwd: root, timeout: 600_000, maxBuffer: 10 * 1024 * 1024 });
  const { services } = JSON.parse(stdout) as { services: ServiceDefinition[] };
  if (!names.length) return services;
  return names.map((n) => {
    const s = services.find((x) => x.name === n);
    if (!s) throw new Error(`scripts/services.cjs has no service ${n}`);
    return s;
  });
}

export class ReplicaPlatform {
  readonly replicas: Replica[] = [];
  readonly keys = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  /** This run's keys of ticket items (tickets: ITEM_ENCRYPTION_KEYS, ITEM_FINGERPRINT_KEY), as npm start's .keys/ would give. */
  readonly itemKeys = { encryptionKeys: `faults1:${randomBytes(32).toString('base64')}`, fingerprintKey: randomBytes(32).toString('base64') };

  private monitor: NodeJS.Timeout | undefined;

  private constructor(private readonly options: ReplicaPlatformOptions) {}

  /** Starts `replicas` processes of every service and resolves once each answers its readiness check. */
  static async start(root: string, services: ServiceDefinition[], options: ReplicaPlatformOptions): Promise<ReplicaPlatform> {
    const platform = new ReplicaPlatform(options);
    mkdirSync(options.logDir, { recursive: true });
    for (const service of services) {
      for (let i = 1; i <= options.replicas; i++) {
        const port = await freePort();
        const args = ['--enable-source-maps', service.entry.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')];
        platform.replicas.push(
          new Replica(service, i, port, { cwd: path.join(root, service.dir), args, env: platform.envFor(service, port), logFile: path.join(options.logDir, `${service.name}-${i}.log`) }),
        );
      }
    }
    // Migrations are not meant to race at a database's very first start: one replica of each service goes first.
    const firsts = platform.replicas.filter((r) => r.index === 1);
    firsts.forEach((r) => r.start());
    await Promise.all(firsts.map((r) => r.waitReady()));
    const rest = platform.replicas.filter((r) => r.index > 1);
    rest.forEach((r) => r.start());
    await Promise.all(rest.map((r) => r.waitReady()));
    // Restarted replicas (ours, or after a crash) become 'ready' again once they answer, so clients pick them.
    platform.monitor = setInterval(() => {
      for (const r of platform.replicas) if (r.state === 'starting') void r.isReady();
    }, 500);
    return platform;
  }

  /** The process environment, as scripts/platform/plan.mjs builds it for `npm start`: nothing inherited that names a server. */
  private envFor(service: ServiceDefinition, port: number): NodeJS.ProcessEnv {
    const { endpoints } = this.options;
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', NODE_ENV: 'development', LOG_LEVEL: 'info', ...this.options.env };
    env.PORT = String(port);
    env.JWT_PUBLIC_KEY = this.keys.publicKey;
    if (service.needs.includes('jwt-private')) env.JWT_PRIVATE_KEY = this.keys.privateKey;
    if (service.needs.includes('item-keys')) {
      env.ITEM_ENCRYPTION_KEYS = this.itemKeys.encryptionKeys;
      env.ITEM_FINGERPRINT_KEY = this.itemKeys.fingerprintKey;
    }
    if (service.needs.includes('db')) env.DATABASE_URL = endpoints.databaseUrl(service.name);
    if (service.needs.includes('nats')) env.NATS_URL = endpoints.natsUrl;
    if (service.needs.includes('redis')) env.REDIS_URL = endpoints.redisUrl;
    return env;
  }

  of(service: BackendService): Replica[] {
    return this.replicas.filter((r) => r.service.name === service);
  }

  /** A replica that is up (for a client request), at random; undefined when none is. */
  pick(service: BackendService, except?: Replica): Replica | undefined {
    const up = this.of(service).filter((r) => r.child && r !== except);
    const ready = up.filter((r) => r.state === 'ready');
    const from = ready.length ? ready : up;
    return from[Math.floor(Math.random() * from.length)];
  }

  unexpectedExits(): UnexpectedExit[] {
    return this.replicas.flatMap((r) => r.unexpectedExits);
  }

  async allReady(): Promise<boolean> {
    const states = await Promise.all(this.replicas.map((r) => r.isReady()));
    return states.every(Boolean);
  }

  async stop(): Promise<void> {
    clearInterval(this.monitor);
    await Promise.all(this.replicas.map((r) => r.stop()));
  }
}
