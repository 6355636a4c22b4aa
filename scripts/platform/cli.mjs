// `npm start` / `npm run dev`: the whole platform on this machine, one command. See README.md ("Run it").
import { startPlatform, PlatformError } from './index.mjs';
import { HELP, parse, startOptions } from './cli-options.mjs';

function demoLines({ skipped, admin, events, seller, listings, problem }) {
  if (skipped) return [];
  const lines = [''];
  if (admin) lines.push(`  admin: ${admin.email} / ${admin.password}`);
  if (seller) lines.push(`  seller: ${seller.email} / ${seller.password}`);
  if (events?.created) lines.push(`  demo catalogue: ${events.created} events`);
  else if (events?.kept) lines.push('  demo catalogue: left as it was (it has upcoming events)');
  if (listings?.created) lines.push(`  demo listings: ${listings.created} (sign up as anyone else to buy)`);
  else if (listings?.kept) lines.push('  demo listings: left as they were (the seller has listings)');
  if (problem) lines.push(`  demo: ${problem}`);
  lines.push('  (npm start -- --no-demo starts without the demo)');
  return lines;
}

function summary(platform) {
  const rows = platform.services.map((s) => [s.name, String(s.port), s.routes?.[0] === '/' ? 'everything else' : (s.routes?.join(' ') ?? '(events only)')]);
  const width = Math.max(...rows.map((r) => r[0].length), 7) + 2;
  const lines = [
    '',
    `  Ticketing is up at ${platform.url}`,
    '',
    `  ${'service'.padEnd(width)}${'port'.padEnd(7)}gateway route`,
    ...rows.map(([name, port, route]) => `  ${name.padEnd(width)}${port.padEnd(7)}${route}`),
  ];
  if (platform.skipped.length) lines.push('', `  not started: ${platform.skipped.map((s) => `${s.name} (${s.why})`).join(', ')}`);
  lines.push(...demoLines(platform.demo));
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
      ...startOptions(args),
      signal: aborter.signal,
    });
  } catch (err) {
    if (aborter.signal.aborted) return 0;
    process.stderr.write(`\n${err instanceof PlatformError ? err.message : (err.stack ?? err)}\n`);
    return 1;
  }
  if (args.json) {
    const services = platform.services.map(({ name, port, routes }) => ({ name, port, routes }));
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 30, service: 'platform', msg: 'Ticketing is up', url: platform.url, services, skipped: platform.skipped, demo: platform.demo })}\n`);
  } else {
    process.stdout.write(summary(platform));
  }
  const { code, reason } = await platform.closed;
  if (code !== 0) process.stderr.write(`\nThe platform stopped: ${reason}\n`);
  return code;
}

process.exit(await main());
