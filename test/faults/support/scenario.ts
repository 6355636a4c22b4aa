import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectBus, createLogger, type Bus } from '@ticketing/common';
import { loadAuditData, type AuditData } from './audit-data';
import { audit, type AuditReport } from './audit';
import { FaultInjector, type FaultRecord } from './faults';
import { FAULTS_ADMIN_EMAIL } from './market';
import { startPrivateNats, startPrivatePostgres, startPrivateRedis } from './infra';
import { prepareServices, ReplicaPlatform, type BackendService, type UnexpectedExit } from './platform';
import type { Profile } from './profiles';
import { pendingTimersIn, quietState, waitForQuiet, type QuietResult } from './quiet';
import { Workload, type WorkloadStats } from './workload';

// One run: private infrastructure, the platform with replicas, the workload, the faults, the wait for quiet, the audit.

const QUEUE_KEY = 'expiration:order-holds'; // expiration's defaults: EXPIRATION_QUEUE_PREFIX:EXPIRATION_QUEUE_NAME

export interface ScenarioResult {
  profile: string;
  faultInjection: string | null;
  durationMs: { startup: number; faults: number; quiet: number; total: number };
  faults: ReturnType<FaultInjector['summary']> & { records: FaultRecord[] };
  workload: WorkloadStats;
  quiet: QuietResult;
  unexpectedExits: UnexpectedExit[];
  audit: AuditReport;
  logDir: string;
  /** What the audit read (also in audit-data.json); not part of result.json. */
  auditData?: AuditData;
}

export async function runScenario(root: string, profile: Profile, logDir: string, progress: (line: string) => void): Promise<ScenarioResult> {
  mkdirSync(logDir, { recursive: true });
  const say = (line: string) => {
    const stamped = `${new Date().toISOString()} [${profile.name}] ${line}`;
    appendFileSync(path.join(logDir, 'progress.log'), `${stamped}\n`);
    progress(stamped);
  };
  const t0 = Date.now();
  const [postgres, nats, redis] = await Promise.all([startPrivatePostgres(), startPrivateNats(), startPrivateRedis()]);
  let platform: ReplicaPlatform | undefined;
  let bus: Bus | undefined;
  try {
    say(`infrastructure up: postgres :${postgres.port}, nats :${nats.port}, redis ${redis.url}`);
    // Every backend service of the table runs with replicas (the workload schedules its events through catalog);
    // each with a database gets its own.
    const services = await prepareServices(root);
    await postgres.createDatabases(services.filter((s) => s.needs.includes('db')).map((s) => s.name));
    const dbUrl = (s: BackendService) => postgres.url(s);
    platform = await ReplicaPlatform.start(root, services, {
      replicas: profile.replicas,
      endpoints: { databaseUrl: dbUrl, natsUrl: nats.url, redisUrl: redis.url },
      env: {
        ORDER_EXPIRATION_SECONDS: String(profile.holdSeconds),
        // The payments sweeper finishes what a killed replica left half done; the defaults (15 s, 2 min) suit production.
        PAYMENTS_SWEEP_INTERVAL_SECONDS: '2',
        PAYMENTS_STALE_ATTEMPT_SECONDS: '10',
        // The workload's few buyers pay far more often than a person would (card-testing limits: payments' own tests).
        PAYMENT_ATTEMPTS_PER_BUYER_PER_HOUR: '100000',
        // Delivery deadlines a month away, except the no-show event's (profiles.ts); the sweeper looks every second.
        DELIVERY_CUTOFF_HOURS: String(profile.delivery.cutoffSeconds / 3600),
        DELIVERY_SWEEP_INTERVAL_SECONDS: '1',
        // The workload's admin schedules the events (auth reads it; the other services ignore it).
        ADMIN_EMAILS: FAULTS_ADMIN_EMAIL,
        // Sign-ups are part of the load, not what it measures.
        PASSWORD_SCRYPT_N: '1024',
        PASSWORD_SCRYPT_P: '1',
        ...(profile.faultInjection ? { TICKETING_FAULT_INJECTION: profile.faultInjection } : {}),
      },
      logDir,
    });
    const startupMs = Date.now() - t0;
    say(`${platform.replicas.length} processes ready in ${startupMs} ms (${profile.replicas} per service)`);
    bus = await connectBus({ url: nats.url, name: 'faults-audit', logger: createLogger('faults-audit', 'silent'), maxConnectAttempts: 5 });
    const pendingTimers = pendingTimersIn(redis.client, QUEUE_KEY);
    const quietDeps = { platform, bus, dbUrl, pendingTimers };

    const workload = new Workload(platform, {
      concurrency: profile.concurrency,
      initialUsers: profile.initialUsers,
      instantShare: profile.delivery.instantShare,
      deliveryCutoffMs: profile.delivery.cutoffSeconds * 1000,
      noShowDeadlineAfterMs: profile.delivery.noShowDeadlineAfterMs,
    });
    await workload.start();
    const injector = new FaultInjector(platform, { postgres, nats, redis }, profile.faults, say);
    const faultsStarted = Date.now();
    await injector.run();
    await workload.stop();
    const faultsMs = Date.now() - faultsStarted;
    say(`faults over after ${faultsMs} ms; ${workload.stats().requestsTotal} requests; waiting for quiet`);

    const quiet = await waitForQuiet(quietDeps, profile.quietTimeoutMs);
    say(quiet.reached ? `quiet after ${quiet.afterMs} ms` : `NOT quiet after ${quiet.afterMs} ms: ${JSON.stringify(quiet.last)}`);
    if (!quiet.reached) say(`state now: ${JSON.stringify(await quietState(quietDeps).catch((e: Error) => e.message))}`);
    // The no-show seller turns up after its deadline: refused (409), nothing stored.
    const lateUpload = await workload.uploadPastDeadline();
    say(`the no-show seller's upload after the deadline: ${lateUpload ?? 'no answer'}`);
    const data = await loadAuditData(dbUrl, bus, pendingTimers);
    writeFileSync(path.join(logDir, 'audit-data.json'), JSON.stringify(data)); // for a post-mortem of a failed audit
    const report = audit(data);
    const result: ScenarioResult = {
      profile: profile.name,
      faultInjection: profile.faultInjection ?? null,
      durationMs: { startup: startupMs, faults: faultsMs, quiet: quiet.afterMs, total: Date.now() - t0 },
      faults: { ...injector.summary(), records: injector.records },
      workload: workload.stats(),
      quiet,
      unexpectedExits: platform.unexpectedExits(),
      audit: report,
      logDir,
    };
    writeFileSync(path.join(logDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(path.join(logDir, 'summary.txt'), `${formatSummary(result)}\n`);
    return { ...result, auditData: data };
  } finally {
    await bus?.close().catch(() => undefined);
    await platform?.stop().catch(() => undefined);
    await Promise.allSettled([postgres.cleanup(), nats.cleanup(), redis.cleanup()]);
  }
}

const readinessDuringOutages = (records: FaultRecord[]) =>
  records
    .filter((f) => f.readinessDuringOutage)
    .map((f) => {
      const r = f.readinessDuringOutage!;
      return `${f.kind} (round ${f.round}): ${r.checked - r.wrong.length} of ${r.checked} replicas ${r.expected}${r.wrong.length ? ` (not: ${r.wrong.join(', ')})` : ''}`;
    })
    .join('; ') || 'no outage';
const exits = (list: UnexpectedExit[]) => (list.length ? list.map((e) => `${e.replica} (${e.signal ?? `exit ${e.code}`})`).join(', ') : 'none');
const line = (label: string, value: unknown) => `  ${label.padEnd(22)} ${typeof value === 'string' ? value : JSON.stringify(value)}`;

export function formatSummary(r: ScenarioResult): string {
  const w = r.workload;
  const fig = r.audit.figures;
  const out = [
    `fault suite, profile ${r.profile}${r.faultInjection ? `, INJECTED BUG ${r.faultInjection}` : ''} (logs: ${r.logDir})`,
    line('time', `startup ${Math.round(r.durationMs.startup / 1000)} s, faults+load ${Math.round(r.durationMs.faults / 1000)} s, quiet after ${Math.round(r.durationMs.quiet / 1000)} s${r.quiet.reached ? '' : ' (NOT reached)'}, total ${Math.round(r.durationMs.total / 1000)} s`),
    line('rounds', r.faults.rounds),
    line('faults', r.faults.byKind),
    line('kills by service', r.faults.killsByService),
    line('readiness in outages', readinessDuringOutages(r.faults.records)),
    line('crashes (running)', exits(r.unexpectedExits.filter((e) => e.phase === 'running'))),
    line('gave up at start-up', exits(r.unexpectedExits.filter((e) => e.phase === 'starting'))),
    line('requests', `${w.requestsTotal} total`),
    ...Object.entries(w.requests).map(([k, n]) => `      ${String(n).padStart(6)}  ${k}`),
    line('workload', { events: w.events, users: w.users, listings: w.listings }),
    line('races', { won: w.racesWon, withoutWinner: w.racesWithoutWinner, severalWinners: w.racesWithSeveralWinners, sharedTickets: w.racesWithSharedTickets, malformedOrders: w.malformedOrders }),
    line('orders won by k', w.ordersByQuantity),
    line('fates', w.fates),
    line('sellers', w.sellers),
    line('no-show sale', w.noShow ? `${w.noShow.orderId} (paid: ${w.noShow.paid}, deadline ${w.noShow.deadline}, upload after it: ${w.noShow.lateUpload ?? '-'})` : 'none'),
    line('stream messages', fig.streamMessages),
    line('events consumed', fig.eventsConsumed),
    line('outbox events', fig.outboxEvents),
    line('expiration events', fig.expirationEvents),
    line('consumers', fig.consumers),
    line('listings', fig.listings),
    line('tickets', fig.tickets),
    line('orders', fig.orders),
    line('orders by k', fig.ordersByQuantity),
    line('seats of orders', fig.seats),
    line('payments', fig.payments),
    line('expired holds', fig.expiredHolds),
    line('deliveries', fig.deliveries),
    line('items', fig.items),
    line('payouts', fig.payouts),
    line('audit', r.audit.violations.length ? `${r.audit.violations.reduce((n, v) => n + v.count, 0)} VIOLATIONS` : 'clean: no violation'),
    ...r.audit.violations.flatMap((v) => [`    ✗ ${v.rule}: ${v.count}`, ...v.examples.map((e) => `        e.g. ${e}`)]),
  ];
  return out.join('\n');
}
