// One supervised process: its output goes to the log sink, a crash is reported and restarted with back-off, and a
// process that keeps failing right at start (or exits with EX_CONFIG) is given up on, because restarting cannot fix it.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLine } from './log-format.mjs';

const EX_CONFIG = 78; // loadConfigOrExit's exit code: the environment is wrong

export const DEFAULT_POLICY = {
  fastFailMs: 10_000, // dying sooner than this after start counts as failing at start
  maxFastFailures: 3,
  restartDelayMs: 1000, // first back-off; doubles per consecutive crash
  maxRestartDelayMs: 30_000,
  healthyAfterMs: 30_000, // up this long: the next crash starts the back-off from the beginning again
};

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // detached: the child leads its own process group (tsx and next have children of their own)
    return true;
  } catch (err) {
    if (err.code === 'ESRCH') return false;
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

function groupAlive(pid) {
  return signalGroup(pid, 0);
}

export class ManagedProcess {
  /**
   * spec: { name, command, args, cwd, env }; sink: the log sink; policy: DEFAULT_POLICY overrides;
   * onFatal(message): called once when the process is given up on; onRestart(): after each restart.
   */
  constructor(spec, { sink, policy = {}, onFatal = () => {}, onRestart = () => {} }) {
    this.spec = spec;
    this.name = spec.name;
    this.sink = sink;
    this.policy = { ...DEFAULT_POLICY, ...policy };
    this.onFatal = onFatal;
    this.onRestart = onRestart;
    this.child = undefined;
    this.state = 'idle'; // idle → running → (restarting → running)* → stopped | failed
    this.fastFailures = 0;
    this.crashes = 0;
    this.restartTimer = undefined;
    this.exited = Promise.resolve();
  }

  get pid() {
    return this.child?.pid;
  }

  start() {
    const { command, args, cwd, env } = this.spec;
    this.state = 'running';
    this.startedAt = Date.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    forEachLine(child.stdout, (line) => this.sink.write(this.name, line, 'stdout'));
    forEachLine(child.stderr, (line) => this.sink.write(this.name, line, 'stderr'));
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.sink.event(this.name, 'error', `could not start: ${err.message}`);
        resolve();
        this.handleExit(null, null, err);
      });
      child.once('exit', (code, signal) => {
        resolve();
        this.handleExit(code, signal);
      });
    });
    return this;
  }

  handleExit(code, signal, spawnError) {
    this.lastExit = { code, signal };
    if (this.state === 'stopping' || this.state === 'stopped' || this.state === 'failed') return;
    const uptime = Date.now() - this.startedAt;
    const how = spawnError ? `could not be started (${spawnError.message})` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
    this.sink.event(this.name, 'error', `${this.name} ${how} after ${(uptime / 1000).toFixed(1)} s`);
    if (code === EX_CONFIG) return this.giveUp(`${this.name} cannot start: its configuration is invalid (exit code ${EX_CONFIG}); the reason is in its log above`);
    if (spawnError) return this.giveUp(`${this.name} could not be started: ${spawnError.message}`);
    if (this.killedOnPurpose) {
      // kill() from a test or an operator: not a sign the service is broken, so no back-off and no giving up.
      this.killedOnPurpose = false;
      return this.scheduleRestart(this.policy.restartDelayMs);
    }
    this.fastFailures = uptime < this.policy.fastFailMs ? this.fastFailures + 1 : 0;
    if (this.fastFailures >= this.policy.maxFastFailures) {
      return this.giveUp(`${this.name} failed ${this.fastFailures} times in a row right after starting (last: ${how}); the reason is in its log above`);
    }
    this.crashes = uptime > this.policy.healthyAfterMs ? 1 : this.crashes + 1;
    this.scheduleRestart(Math.min(this.policy.restartDelayMs * 2 ** (this.crashes - 1), this.policy.maxRestartDelayMs));
  }

  scheduleRestart(delay) {
    this.sink.event(this.name, 'warn', `restarting ${this.name} in ${(delay / 1000).toFixed(1)} s`);
    this.state = 'restarting';
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state !== 'restarting') return;
      this.start();
      this.onRestart(this);
    }, delay);
  }

  giveUp(message) {
    this.state = 'failed';
    this.onFatal(message);
  }

  /** Sends a signal to the running process (fault tests: SIGKILL); the restart policy applies as for any crash. */
  kill(signal = 'SIGKILL') {
    if (this.state !== 'running' || !this.child || this.child.exitCode !== null || this.child.signalCode !== null) return false;
    this.killedOnPurpose = true;
    return signalGroup(this.child.pid, signal);
  }

  /** SIGTERM to the process, then SIGKILL to its whole group if anything is left after `timeoutMs`. No restart afterwards. */
  async stop(timeoutMs = 10_000) {
    clearTimeout(this.restartTimer);
    const wasFailed = this.state === 'failed';
    this.state = 'stopping';
    const pid = this.child?.pid;
    if (pid && groupAlive(pid)) {
      // Only the leader: tsx watch and next relay the signal to their own children, and a second SIGTERM would cut
      // short the graceful shutdown the first one started. Stragglers are killed with the group below.
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        signalGroup(pid, 'SIGTERM');
      }
      const deadline = Date.now() + timeoutMs;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
      if (groupAlive(pid)) {
        this.sink.event(this.name, 'warn', `${this.name} did not stop within ${timeoutMs} ms; killing it`);
        signalGroup(pid, 'SIGKILL');
      }
      await this.exited;
    }
    this.state = wasFailed ? 'failed' : 'stopped';
  }

  /** For process 'exit': nothing asynchronous is possible any more, so no grace period. */
  killNow() {
    clearTimeout(this.restartTimer);
    this.state = 'stopped';
    if (this.child?.pid) signalGroup(this.child.pid, 'SIGKILL');
  }
}
