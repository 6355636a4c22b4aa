// The load process: the orchestrator forks it once and sends it one job at a time over IPC, so load generation and
// baselines never share a process (or an event loop) with the services or with the orchestrator's own polling.
import type { Job, RunResult, Sample, WorkerMessage } from './protocol.mjs';
import { runHttpClosed } from './load/http-closed.mjs';
import { runHttpOpen } from './load/http-open.mjs';
import { runPgOrders } from './load/pg-orders.mjs';
import { runPgListings } from './load/pg-listings.mjs';
import { runJetStreamRoundTrip } from './load/jetstream-roundtrip.mjs';
import { runBullmqLateness } from './load/bullmq-lateness.mjs';

function reply(message: WorkerMessage): void {
  process.send?.(message);
}

function run(job: Job): Promise<RunResult> {
  const progress = (samples: Sample[]) => reply({ type: 'progress', samples });
  switch (job.kind) {
    case 'http-closed':
      return runHttpClosed(job);
    case 'http-open':
      return runHttpOpen(job, job.streamProgress ? progress : undefined);
    case 'pg-orders':
      return runPgOrders(job);
    case 'pg-listings':
      return runPgListings(job);
    case 'jetstream-roundtrip':
      return runJetStreamRoundTrip(job);
    case 'bullmq-lateness':
      return runBullmqLateness(job);
  }
}

process.on('message', (job: Job) => {
  run(job).then(
    (result) => reply({ type: 'result', result }),
    (err: unknown) => reply({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
