import autocannon, { type AutocannonRequest } from 'autocannon';
import { nowMs, type HttpClosedJob, type RunResult, type Sample } from '../protocol.mjs';

/**
 * Closed-loop load with autocannon: each connection sends its next request once the previous one is answered, so this
 * measures the most the service completes (requests/s) and the latency at that concurrency. Request n uses item n.
 */
export function runHttpClosed(job: HttpClosedJob): Promise<RunResult> {
  const samples: Sample[] = [];
  const bodies: Record<number, string> = {};
  let next = 0;
  let answered: { index: number; status: number } | undefined;
  let startedAt = Number.POSITIVE_INFINITY;
  let finishedAt = 0;

  const request: AutocannonRequest = {
    setupRequest: (req, context) => {
      const index = next++;
      const item = job.items[index % job.items.length]!;
      context.index = index;
      startedAt = Math.min(startedAt, nowMs());
      const headers: Record<string, string> = {};
      if (item.body !== undefined) headers['content-type'] = 'application/json';
      if (item.cookie) headers.cookie = item.cookie;
      return { ...req, method: item.method, path: item.path, body: item.body, headers };
    },
    // Runs just before autocannon's 'response' event for the same request (same tick), which carries the latency.
    onResponse: (status, body, context) => {
      const index = context.index as number;
      answered = { index, status };
      if (job.keepBodies) bodies[index % job.items.length] = body;
    },
  };

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        ...(job.amount ? { amount: job.amount } : { duration: job.durationSec ?? 10 }),
        timeout: job.timeoutSec ?? 30,
        pipelining: 1,
        requests: [request],
      },
      (err) => {
        if (err) return reject(err);
        resolve({ startedAt, finishedAt, samples, bodies: job.keepBodies ? bodies : undefined });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      const end = nowMs();
      finishedAt = end;
      samples.push([answered?.index ?? -1, statusCode, responseTime, end]);
      answered = undefined;
    });
    instance.on('reqError', () => {
      const end = nowMs();
      finishedAt = end;
      samples.push([-1, 0, Number.NaN, end]);
    });
  });
}
