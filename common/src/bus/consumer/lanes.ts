/**
 * Spreads work items over a fixed number of lanes by key and hands each lane's waiting items to `run` in batches of
 * up to `maxBatch`, one batch per lane at a time. Items of one key always take the same lane, so they run in
 * submission order; lanes run concurrently. A lane does not wait to fill a batch: it starts on the next macrotask
 * after an item arrives and takes whatever has queued by then, so a lone event runs at once and a burst is grouped.
 *
 * submit() resolves once the item is queued, waiting first while `maxHeld` items are queued or running, so a consume
 * loop awaiting it stops pulling when full.
 */
export class BatchLanes<T> {
  private readonly queues: T[][];
  private readonly running: boolean[];
  private held = 0;
  private readonly capacityWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly opts: { lanes: number; maxBatch: number; maxHeld: number },
    private readonly run: (batch: T[]) => Promise<void>,
  ) {
    if (!(opts.lanes >= 1 && opts.maxBatch >= 1 && opts.maxHeld >= 1)) throw new Error(`lanes, maxBatch and maxHeld must be at least 1, got ${JSON.stringify(opts)}`);
    this.queues = Array.from({ length: opts.lanes }, () => []);
    this.running = Array.from({ length: opts.lanes }, () => false);
  }


  async submit(key: string, item: T): Promise<void> {
    while (this.held >= this.opts.maxHeld) await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    this.held++;
    const lane = laneOf(key, this.opts.lanes);
    this.queues[lane]!.push(item);
    if (!this.running[lane]) {
      this.running[lane] = true;
      setImmediate(() => void this.drain(lane));
    }
  }

  private async drain(lane: number): Promise<void> {
    const queue = this.queues[lane]!;
    while (queue.length) {
      const batch = queue.splice(0, this.opts.maxBatch);
      try {
        await this.run(batch);
      } catch {
        // run settles its own items (ack or nak) and reports its own failures; a failure must not stall the lane
      }
      this.held -= batch.length;
      for (let i = 0; i < batch.length; i++) this.capacityWaiters.shift()?.();
    }
    this.running[lane] = false;
    if (this.held === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.held === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/** FNV-1a: cheap, stable across processes (not that it needs to be), and spreads uuids evenly. */
export function laneOf(key: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % lanes;
}
