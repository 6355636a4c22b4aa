/**
 * Runs tasks with at most `max` in hand at once, tasks of the same key strictly one after another in submission
 * order, tasks of different keys concurrently. submit() resolves once the task is queued (waiting first while
 * `max` are in hand), so a consume loop awaiting it stops pulling when full.
 */
export class KeyedDispatcher {
  private inHand = 0;
  private readonly tails = new Map<string, Promise<void>>();
  private readonly capacityWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new Error(`max in flight must be at least 1, got ${max}`);
  }


  async submit(key: string, task: () => Promise<void>): Promise<void> {
    while (this.inHand >= this.max) await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    this.inHand++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run: Promise<void> = previous
      .then(task)
      .catch(() => undefined) // tasks report their own failures; a failure must not stall the key
      .finally(() => {
        this.inHand--;
        if (this.tails.get(key) === run) this.tails.delete(key);
        this.capacityWaiters.shift()?.();
        if (this.inHand === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          waiters.forEach((w) => w());
        }
      });
    this.tails.set(key, run);
  }

  /** Resolves when nothing is in hand. */
  idle(): Promise<void> {
    if (this.inHand === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
