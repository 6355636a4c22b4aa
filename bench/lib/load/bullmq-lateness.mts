import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { nowMs, resultOf, type BullmqLatenessJob, type RunResult, type Sample } from '../protocol.mjs';

/**
 * The baseline of "expiry": what BullMQ alone costs. `count` delayed jobs due within spreadMs, added leadMs ahead
 * (as expiration schedules a hold's timer when the order is created, long before it is due), one worker with the
 * expiration service's concurrency and a handler that does nothing. Lateness = handler start − due time.
 */
export async function runBullmqLateness(job: BullmqLatenessJob): Promise<RunResult> {
  const connection = new Redis(job.redisUrl, { maxRetriesPerRequest: null });
  const queueName = 'bench-lateness';
  const queue = new Queue(queueName, { connection, prefix: job.prefix });
  const samples: Sample[] = [];
  let worker: Worker | undefined;
  try {
    const dueFrom = Date.now() + job.leadMs;
    const due = Array.from({ length: job.count }, (_v, i) => dueFrom + (i * job.spreadMs) / job.count);
    for (let i = 0; i < job.count; i += 500) {
      const now = Date.now();
      await queue.addBulk(
        due.slice(i, i + 500).map((at, j) => ({
          name: 'hold-expiry',
          data: { index: i + j, dueAt: at },
          opts: { jobId: `bench-${i + j}`, delay: Math.max(0, at - now), removeOnComplete: true, attempts: 3 },
        })),
      );
    }
    let done!: () => void;
    const allDone = new Promise<void>((resolve) => (done = resolve));
    worker = new Worker(
      queueName,
      async (j) => {
        const end = nowMs();
        const data = j.data as { index: number; dueAt: number };
        samples.push([data.index, 1, end - data.dueAt, end]);
        if (samples.length >= job.count) done();
      },
      { connection, prefix: job.prefix, concurrency: job.concurrency },
    );
    await Promise.race([allDone, sleep(job.leadMs + job.spreadMs + 60_000)]);
    return resultOf(dueFrom, samples);
  } finally {
    await worker?.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
  }
}
