// `npm start`'s command line: its options and what startPlatform() is asked for them (cli.mjs runs it).
import { parseArgs } from 'node:util';
import { SERVICES, GATEWAY_PORT } from '../services.cjs';
import { PlatformError } from './error.mjs';

export const HELP = `Usage: npm start [-- options]        (npm run dev = npm start -- --watch)

  --only auth,tickets   run only these services (default: every service whose entry file exists)
  --watch               run from TypeScript, reload on change (tsx watch), client with next dev
  --json                print every log line as JSON instead of readable text
  --port ${GATEWAY_PORT}           the gateway's port (0: free ports everywhere, isolated databases and namespaces)
  --no-build            do not build; run what is in dist/ and .next/
  --no-demo             no demo admin or demo catalogue (made on an empty catalogue otherwise; never in production)
  --log-level debug     LOG_LEVEL for every service
  -h, --help

Services: ${SERVICES.map((s) => s.name).join(', ')}. Infrastructure: PostgreSQL, NATS (JetStream), Redis; see README.md.`;

/** The options given (argv without node and the script); throws on an unknown option or a bad --port. */
export function parse(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      watch: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      port: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'no-demo': { type: 'boolean', default: false },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new PlatformError(`--port must be a port number, not "${values.port}"`);
  return { ...values, port };
}

/** startPlatform's options for parsed arguments. */
export function startOptions(args) {
  return {
    only: args.only,
    watch: args.watch,
    json: args.json,
    port: args.port,
    build: !args['no-build'],
    demo: !args['no-demo'],
    env: args['log-level'] ? { LOG_LEVEL: args['log-level'] } : {},
  };
}
