import { Router } from 'express';
import { pingDatabase, type Pool } from '../db/pool';

/** A named dependency probe; it throws (or rejects) when the dependency does not answer. */
export type HealthCheck = () => Promise<unknown>;

export interface HealthOptions {
  /** Without these the service cannot serve requests (its own database): one failing makes it unready (503). */
  checks: Record<string, HealthCheck>;
  /**
   * Dependencies whose outage the service absorbs (NATS behind the outbox, Redis behind fail-open limits): shown in
   * the body, status "degraded", still 200 so the load balancer keeps routing.
   */
  reported?: Record<string, HealthCheck>;
  /** False once shutdown begins, so the load balancer stops routing before the server closes. */
  isAccepting: () => boolean;
  timeoutMs?: number;
}

function withTimeout(check: HealthCheck, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    check().then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

async function probe(checks: Record<string, HealthCheck>, timeoutMs: number): Promise<{ ok: boolean; report: Record<string, string> }> {
  const names = Object.keys(checks);
  const results = await Promise.allSettled(names.map((n) => withTimeout(checks[n]!, timeoutMs)));
  const report: Record<string, string> = {};
  results.forEach((r, i) => {
    report[names[i]!] = r.status === 'fulfilled' ? 'ok' : `down: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`;
  });
  return { ok: results.every((r) => r.status === 'fulfilled'), report };
}

export function healthRouter({ checks, reported = {}, isAccepting, timeoutMs = 2000 }: HealthOptions): Router {
  const router = Router();
  router.get('/healthz/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/healthz/ready', async (_req, res) => {
    if (!isAccepting()) {
      res.status(503).json({ status: 'shutting-down' });
      return;
    }
    const [required, optional] = await Promise.all([probe(checks, timeoutMs), probe(reported, timeoutMs)]);
    const status = !required.ok ? 'unavailable' : optional.ok ? 'ok' : 'degraded';
    res.status(required.ok ? 200 : 503).json({ status, checks: { ...required.report, ...optional.report } });
  });
  return router;
}

/** Readiness of a service whose only hard dependency is its database: what tests serve when runService does not. */
export function databaseReadiness(pool: Pick<Pool, 'query'>): HealthOptions {
  return { checks: { database: () => pingDatabase(pool) }, isAccepting: () => true };
}
