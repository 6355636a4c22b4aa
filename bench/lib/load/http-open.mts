import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs, type HttpOpenJob, type RunResult, type Sample } from '../protocol.mjs';

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

  const startedAt = nowMs() + 20;
  const intervalMs = 1000 / job.ratePerSec;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < job.count; i++) {
    const dueAt = startedAt + i * intervalMs;
    const wait = dueAt - nowMs();
    if (wait > 1) await sleep(wait);
    inFlight.push(send(i, dueAt));
  }
  await Promise.all(inFlight);
  if (flusher) clearInterval(flusher);
  if (onProgress && unsent.length) onProgress(unsent);
  agent.destroy();
  return { startedAt, finishedAt: samples.reduce((max, s) => Math.max(max, s[3]), startedAt), samples };
}
