import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Job, RunResult, Sample, WorkerMessage } from './protocol.mjs';

/** The separate process that generates load and runs the baselines (bench/lib/worker.mts), one job at a time. */
export class LoadProcess {
  private readonly child: ChildProcess;
  private busy = false;

  constructor() {
    this.child = fork(path.join(import.meta.dirname, 'worker.mts'), [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }

  run(job: Job, onProgress?: (samples: Sample[]) => void): Promise<RunResult> {
    if (this.busy) throw new Error('the load process runs one job at a time');
    this.busy = true;
    return new Promise<RunResult>((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if (m.type === 'progress') return onProgress?.(m.samples);
        cleanup();
        if (m.type === 'result') resolve(m.result);
        else reject(new Error(`load process: ${m.message}`));
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(new Error(`load process exited (${signal ?? code}) during a ${job.kind} job`));
      };
      const cleanup = () => {
        this.busy = false;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
      this.child.send(job);
    });
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
}
