import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Bus, Logger } from '@ticketing/common';
import type { HoldTimers } from '../queue/hold-timers';
import { replayOrderEvents } from './replay-order-events';

export interface StateRecoveryOptions {
  bus: Bus;
  redis: Redis;
  timers: HoldTimers;
  replayWindowSeconds: number;
  checkIntervalSeconds: number;
  logger: Logger;
}

export interface RecoveryReport {
  messages: number;
  scheduled: number;
  alreadyEnded: number;
  ended: number;
  durationMs: number;
}

// Sets the marker only if the token written when this recovery began is still there: if Redis lost its data again
// while we replayed, the token is gone, the timers we wrote may be gone too, and the marker must stay missing.
const COMMIT_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`;

/**
 * Redis here keeps nothing on disk, so it may come back empty. A marker key says "the timers in this Redis are
 * complete". It is checked at start-up, every few seconds and whenever the connection becomes ready again; when it is
 * missing, the timers are rebuilt from the ORDERS stream (see replayOrderEvents) and the marker is written back.
 * Rebuilding is idempotent (job id = order id), so it may overlap the live consumer and may run more than once; a
 * rebuilt timer that fires again publishes the same event id, which JetStream or orders' state guard absorbs.
 */
export class StateRecovery {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rerun = false;
  private stopped = false;
  /** What the last completed rebuild did (for logs, health details and tests). */
  lastReport?: RecoveryReport & { finishedAt: Date };
  private readonly onReady = () => void this.check();

  constructor(private readonly opts: StateRecoveryOptions) {}

  /** Checks once (recovering if needed), then keeps watching. Start-up waits for the first check only. */
  async start(): Promise<void> {
    this.opts.redis.on('ready', this.onReady);
    this.timer = setInterval(() => void this.check(), this.opts.checkIntervalSeconds * 1000);
    await this.check();
  }

  /** Resolves when no check or recovery is running; a check requested meanwhile runs once the current one ends. */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.rerun = false;
        await this.checkOnce();
      } while (this.rerun && !this.stopped);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    const { redis, timers, logger } = this.opts;
    try {
      if ((await redis.exists(timers.keys.stateMarker)) === 1) return;
      logger.warn({ marker: timers.keys.stateMarker }, 'state marker missing (new or emptied Redis); rebuilding timers from the ORDERS stream');
      for (let round = 1; !this.stopped; round++) {
        const report = await this.recover();
        if (report) {
          this.lastReport = { ...report, finishedAt: new Date() };
          logger.info(report, 'timers rebuilt from the ORDERS stream');
          return;
        }
        // Our token was replaced: Redis was emptied meanwhile, or another replica started its own rebuild (which may
        // have finished: then the marker is back and there is nothing left to do).
        if ((await redis.exists(timers.keys.stateMarker)) === 1) return;
        logger.warn({ round }, 'Redis lost its data while rebuilding; starting over');
      }
    } catch (err) {
      // Redis or NATS unreachable: the next tick (or the connection's 'ready') tries again.
      logger.warn({ err }, 'state check or recovery failed; will retry');
    }
  }

  /** One rebuild; undefined when Redis lost its data meanwhile and the rebuild must start over. */
  async recover(): Promise<RecoveryReport | undefined> {
    const { bus, redis, timers, logger } = this.opts;
    const started = Date.now();
    const token = randomUUID();
    await redis.set(timers.keys.recoveryToken, token, 'EX', 3600);
    const since = new Date(started - this.opts.replayWindowSeconds * 1000);
    const replay = await replayOrderEvents(bus, since, logger);
    await timers.markManyEnded(replay.ended);
    const { scheduled, alreadyEnded } = await timers.scheduleMany(replay.open);
    const committed = await redis.eval(COMMIT_SCRIPT, 2, timers.keys.recoveryToken, timers.keys.stateMarker, token, new Date().toISOString());
    if (committed !== 1) return undefined;
    return { messages: replay.messages, scheduled, alreadyEnded, ended: replay.ended.length, durationMs: Date.now() - started };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.opts.redis.off('ready', this.onReady);
    await this.running;
  }
}
