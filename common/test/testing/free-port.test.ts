import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, PORT_RESERVATIONS, reservePort } from '@ticketing/common/testing';

test('free ports are below the ephemeral range (a restarted process gets its port back) and can be listened on', async () => {
  const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  for (const port of ports) {
    expect(port).toBeGreaterThanOrEqual(10_000);
    expect(port).toBeLessThan(ephemeralLow!);
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(ports[0], '127.0.0.1', resolve));
  await new Promise((resolve) => server.close(resolve));
});

describe('reservations: a port picked is not picked again by another process before it listens', () => {
  const reservation = (port: number) => path.join(PORT_RESERVATIONS, String(port));
  const exitedPid = () => {
    const child = spawnSync(process.execPath, ['-e', '']);
    return child.pid!;
  };

  test('a port reserved by a living process is refused; the same port from a process that is gone is taken over', async () => {
    const port = await freePort();
    // freePort reserved it for this process: nobody (this process included) is handed it again.
    expect(readFileSync(reservation(port), 'utf8')).toBe(String(process.pid));
    expect(reservePort(port)).toBe(false);

    writeFileSync(reservation(port), String(process.ppid)); // a living process of someone else
    expect(reservePort(port)).toBe(false);

    writeFileSync(reservation(port), String(exitedPid()));
    expect(reservePort(port)).toBe(true);
    expect(readFileSync(reservation(port), 'utf8')).toBe(String(process.pid));
  });

  test('the platform runner (scripts/platform/plan.mjs) honours the same reservations', async () => {
    const port = await freePort();
    const script = `const m = await import(${JSON.stringify(pathToFileURL(path.resolve(__dirname, '../../../scripts/platform/plan.mjs')).href)}); process.stdout.write(String(m.reservePort(${port})));`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.stdout).toBe('false');
  });
});
