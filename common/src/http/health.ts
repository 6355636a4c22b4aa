import { Router } from 'express';

/** A named dependency probe; it throws (or rejects) when the dependency does not answer. */
export type HealthCheck = () => Promise<unknown>;

export interface HealthOptions {
  checks: Record<string, HealthCheck>;
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

export function healthRouter({ checks, isAccepting, timeoutMs = 2000 }: HealthOptions): Router {
  const router = Router();
  router.get('/healthz/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/healthz/ready', async (_req, res) => {
    if (!isAccepting()) {
      res.status(503).json({ status: 'shutting-down' });
      return;
    }
    const names = Object.keys(checks);
    const results = await Promise.allSettled(names.map((n) => withTimeout(checks[n]!, timeoutMs)));
    const report: Record<string, string> = {};
    results.forEach((r, i) => {
      report[names[i]!] = r.status === 'fulfilled' ? 'ok' : `down: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`;
    });
    const ok = results.every((r) => r.status === 'fulfilled');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: report });
  });
  return router;
}
