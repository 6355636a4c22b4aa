// `npm start` / `npm run dev`: the whole platform on this machine, one command. See README.md ("Run it").
import { parseArgs } from 'node:util';
import { startPlatform, PlatformError, SERVICES, GATEWAY_PORT } from './index.mjs';

const HELP = `Usage: npm start [-- options]        (npm run dev = npm start -- --watch)

  --only auth,tickets   run only these services (default: every service whose entry file exists)
  --watch               run from TypeScript, reload on change (tsx watch), client with next dev
  --json                print every log line as JSON instead of readable text
  --port ${GATEWAY_PORT}           the gateway's port (0: free ports everywhere, isolated databases and namespaces)
  --no-build            do not build; run what is in dist/ and .next/
  --log-level debug     LOG_LEVEL for every service
  -h, --help

Services: ${SERVICES.map((s) => s.name).join(', ')}. Infrastructure: PostgreSQL, NATS (JetStream), Redis; see README.md.`;

function parse(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      watch: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      port: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new PlatformError(`--port must be a port number, not "${values.port}"`);
  return { ...values, port };
}

function summary(platform) {
  const rows = platform.services.map((s) => [s.name, String(s.port), s.route === '/' ? 'everything else' : (s.route ?? '(events only)')]);
  const width = Math.max(...rows.map((r) => r[0].length), 7) + 2;
  const lines = [
    '',
    `  Ticketing is up at ${platform.url}`,
    '',
    `  ${'service'.padEnd(width)}${'port'.padEnd(7)}gateway route`,
    ...rows.map(([name, port, route]) => `  ${name.padEnd(width)}${port.padEnd(7)}${route}`),
  ];
  if (platform.skipped.length) lines.push('', `  not started: ${platform.skipped.map((s) => `${s.name} (${s.why})`).join(', ')}`);
  lines.push('', '  Ctrl-C stops everything.', '');
  return lines.join('\n');
}

async function main() {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err.message}\n\n${HELP}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }

  const aborter = new AbortController();
  let platform;
  let interrupts = 0;
  const onSignal = (signal) => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write(`\n${signal} again: killing everything now\n`);
      process.exit(130); // the platform's exit hook SIGKILLs every process group
    }
    process.stderr.write(`\n${signal}: stopping (again to force)\n`);
    if (platform) void platform.stop();
    else aborter.abort(new PlatformError(`interrupted by ${signal}`, 'ABORTED'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    platform = await startPlatform({
      only: args.only,
      watch: args.watch,
      json: args.json,
      port: args.port,
      build: !args['no-build'],
      env: args['log-level'] ? { LOG_LEVEL: args['log-level'] } : {},
      signal: aborter.signal,
    });
  } catch (err) {
    if (aborter.signal.aborted) return 0;
    process.stderr.write(`\n${err instanceof PlatformError ? err.message : (err.stack ?? err)}\n`);
    return 1;
  }
  if (args.json) {
    const services = platform.services.map(({ name, port, route }) => ({ name, port, route }));
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 30, service: 'platform', msg: 'Ticketing is up', url: platform.url, services, skipped: platform.skipped })}\n`);
  } else {
    process.stdout.write(summary(platform));
  }
  const { code, reason } = await platform.closed;
  if (code !== 0) process.stderr.write(`\nThe platform stopped: ${reason}\n`);
  return code;
}

process.exit(await main());
