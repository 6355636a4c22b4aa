// The platform in a child process, driven over IPC by scripts/platform/process.cjs (Jest cannot load ES modules
// such as index.mjs in its sandbox, and a child process also guarantees cleanup: if the test process dies, the
// IPC channel closes and this process stops everything it started).
import { startPlatform } from './index.mjs';

let platform;
let stopping;

const send = (message) => {
  if (process.connected) process.send(message);
};

function stopAndExit(code) {
  stopping ??= (async () => {
    await platform?.stop().catch(() => {});
    process.exit(code);
  })();
  return stopping;
}

const calls = {
  kill: (name, signal) => platform.kill(name, signal),
  stopService: (name) => platform.stopService(name),
  startService: (name) => platform.startService(name),
  pids: () => Object.fromEntries(platform.services.map((s) => [s.name, s.pid ?? null])),
};

process.on('message', async (message) => {
  if (message.type === 'start') {
    try {
      platform = await startPlatform({ ...message.options, log: false });
    } catch (err) {
      send({ type: 'failed', message: err.message, code: err.code });
      process.exit(1);
    }
    const { url, port, services, databases, busNamespace, keys, logFile, skipped, demo } = platform;
    send({ type: 'ready', platform: { url, port, services: services.map(({ name, port: p, url: u, routes, pid }) => ({ name, port: p, url: u, routes, pid })), databases, busNamespace, keys, logFile, skipped, demo } });
    void platform.closed.then(({ code, reason }) => {
      send({ type: 'closed', code, reason });
      if (code !== 0) process.exit(code);
    });
  } else if (message.type === 'call') {
    try {
      const value = await calls[message.method](...message.args);
      send({ type: 'result', id: message.id, value: value ?? null });
    } catch (err) {
      send({ type: 'result', id: message.id, error: err.message });
    }
  } else if (message.type === 'stop') {
    await stopAndExit(0);
  }
});

process.on('disconnect', () => void stopAndExit(0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stopAndExit(0));
send({ type: 'hello' });
