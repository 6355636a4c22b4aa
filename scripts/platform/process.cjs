// startPlatform for tests (Jest, CommonJS): the platform runs in a child process (process-child.mjs) and is
// isolated by default: free ports, its own databases (dropped at stop), bus namespace and Redis prefixes, logs in a
// file instead of the test's output. Types: process.d.cts.
'use strict';
const { fork } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

const ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(__dirname, 'process-child.mjs');

function tail(file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts an isolated platform and resolves with a handle once every process is ready; rejects with the reason and
 * the end of the platform's log otherwise. Options are index.mjs's (serialisable ones), with port 0 by default.
 */
function startPlatform(options = {}) {
  const logFile = options.logFile ?? path.join(ROOT, '.platform', 'logs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.log`);
  const { startTimeoutMs = 180_000, ...rest } = options;
  const platformOptions = { port: 0, ...rest, logFile };
  const child = fork(CHILD, [], { cwd: ROOT, execPath: process.execPath, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20_000)));

  let nextId = 0;
  const pending = new Map();
  let resolveClosed;
  const closed = new Promise((resolve) => (resolveClosed = resolve));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(({ code, signal }) => {
    for (const { reject } of pending.values()) reject(new Error(`the platform process exited (${signal ?? code})`));
    pending.clear();
    resolveClosed({ code: code ?? 1, reason: signal ? `killed by ${signal}` : `exited with code ${code}` });
  });

  const call = (method, ...args) =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error('the platform is not running'));
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      child.send({ type: 'call', id, method, args });
    });

  let stopping;
  const stop = (timeoutMs = 30_000) => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.send({ type: 'stop' });
        else child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs); // its exit hook SIGKILLs the services
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  return new Promise((resolve, reject) => {
    const startTimer = setTimeout(() => {
      void stop(5000);
      reject(new Error(`the platform did not start within ${startTimeoutMs} ms\n${tail(logFile)}`));
    }, startTimeoutMs);
    child.on('message', (message) => {
      if (message.type === 'hello') child.send({ type: 'start', options: platformOptions });
      else if (message.type === 'result') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error));
        else waiter?.resolve(message.value);
      } else if (message.type === 'failed') {
        clearTimeout(startTimer);
        const error = new Error(`${message.message}\n--- platform log (${logFile}) ---\n${tail(logFile)}${stderr ? `\n--- stderr ---\n${stderr}` : ''}`);
        error.code = message.code;
        reject(error);
      } else if (message.type === 'ready') {
        clearTimeout(startTimer);
        resolve({
          ...message.platform,
          kill: (name, signal = 'SIGKILL') => call('kill', name, signal),
          stopService: (name) => call('stopService', name),
          startService: (name) => call('startService', name),
          pids: () => call('pids'),
          logs: () => tail(logFile, Infinity),
          stop,
          closed,
        });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(startTimer);
      reject(new Error(`the platform process exited during start-up (${signal ?? `code ${code}`})\n${tail(logFile)}${stderr ? `\n--- stderr ---\n${stderr}` : ''}`));
    });
  });
}

module.exports = { startPlatform, ROOT };
