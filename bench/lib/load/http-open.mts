import http from 'node:http';
import { nowMs, resultOf, type HttpOpenJob, type RunResult, type Sample } from '../protocol.mjs';
import { startAtRate } from './open-loop.mjs';

/**
 * Open-loop load: request i is due at start + i / rate, whether or not earlier ones were answered, and its latency
 * counts from when it was due (so time spent waiting for a free socket here counts too: no coordinated omission).
 * Why not autocannon's rate option: it is closed-loop (a connection waits for its answer, so a slow server lowers the
 * offered load) and it releases each connection's quota at the top of every second, in bursts.
 */
export async function runHttpOpen(job: HttpOpenJob, onProgress?: (samples: Sample[]) => void): Promise<RunResult> {
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.maxSockets });
  const samples: Sample[] = [];
  let unsent: Sample[] = [];
  const flusher = onProgress
    ? setInterval(() => {
        if (unsent.length) onProgress(unsent);
        unsent = [];
      }, 5)
    : undefined;

  const send = (index: number, dueAt: number) =>
    new Promise<void>((resolve) => {
      const item = job.items[index % job.items.length]!;
      const headers: Record<string, string> = {};
      if (item.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(item.body));
      }
      if (item.cookie) headers.cookie = item.cookie;
      const done = (status: number) => {
        const end = nowMs();
        const sample: Sample = [index, status, end - dueAt, end];
        samples.push(sample);
        if (onProgress) unsent.push(sample);
        resolve();
      };
      const req = http.request({ host: target.hostname, port: target.port, method: item.method, path: item.path, headers, agent, timeout: job.timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', () => done(0));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => done(0));
      req.end(item.body);
    });

  const { startedAt, started } = await startAtRate(job.ratePerSec, job.count, send);
  await Promise.all(started);
  if (flusher) clearInterval(flusher);
  if (onProgress && unsent.length) onProgress(unsent);
  agent.destroy();
  return resultOf(startedAt, samples);
}
