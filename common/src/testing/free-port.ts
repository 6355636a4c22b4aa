import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

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

/** A loopback port nothing listens on, outside the ephemeral range, so a process can stop and listen on it again. */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const min = 10_000;
  const max = Math.min(ephemeralLow, 65_536) - 1;
  for (let attempt = 0; attempt < 100 && max > min; attempt++) {
    const port = await listenOnce(min + Math.floor(Math.random() * (max - min + 1)));
    if (port) return port;
  }
  const port = await listenOnce(0);
  if (!port) throw new Error('no free loopback port');
  return port;
}
