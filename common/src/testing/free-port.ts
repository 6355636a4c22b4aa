import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The kernel's ephemeral range: the local ports it gives outgoing connections (to PostgreSQL, NATS, Redis, HTTP).
 * A test service listening on a port from this range can lose it while it is down: when a killed replica or a
 * restarted PostgreSQL comes back on the same port, some client socket may be using that port as its local end
 * (EADDRINUSE; seen in the long fault run). Ports below the range are never handed out that way.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux: assume the IANA range
  }
  return [49152, 65535];
}

function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : undefined));
    });
  });
}

/**
 * Ports handed out on this machine, one file per port naming the process that took it (scripts/platform/plan.mjs
 * keeps the same folder). A port is free when nothing listens on it, but a process picks its ports before it listens:
 * two test files starting platforms side by side could both pick a port the other will listen on moments later (seen
 * in CI: a Next.js client still starting, and another platform's expiration given its port). A port stays reserved
 * while the process that took it lives.
 */
export const PORT_RESERVATIONS = path.join(tmpdir(), 'ticketing-port-reservations');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the port for this process unless a living process (this one included) took it before. */
export function reservePort(port: number): boolean {
  mkdirSync(PORT_RESERVATIONS, { recursive: true });
  const file = path.join(PORT_RESERVATIONS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8'));
      if (owner && alive(owner)) return false;
      try {
        unlinkSync(file); // its process is gone
      } catch {
        // another process took it over first; the next attempt sees its reservation
      }
    }
  }
  return false;
}

/** A loopback port nothing listens on, outside the ephemeral range, so a process can stop and listen on it again. */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const min = 10_000;
  const max = Math.min(ephemeralLow, 65_536) - 1;
  for (let attempt = 0; attempt < 100 && max > min; attempt++) {
    const port = await listenOnce(min + Math.floor(Math.random() * (max - min + 1)));
    if (port && reservePort(port)) return port;
  }
  const port = await listenOnce(0);
  if (!port) throw new Error('no free loopback port');
  return port;
}
