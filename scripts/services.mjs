// The one table of what `npm start` runs. Adding a service is adding a line here (and its route, if it has one,
// to the Kubernetes HTTPRoute so both gateways agree).
//
//   name     process name in logs, `--only` and the lib's options; also the database suffix (ticketing_<name>)
//   port     default port (docs/conventions.md); `startPlatform({ port: 0 })` picks free ones instead
//   dir      package directory; the service is skipped while its entry file does not exist
//   entry    TypeScript entry under dir (built to dist/<same>.js); the client has none (Next.js)
//   needs    db → DATABASE_URL (+ database created), nats → NATS_URL + BUS_NAMESPACE, redis → REDIS_URL,
//            jwt-private → JWT_PRIVATE_KEY (every process gets JWT_PUBLIC_KEY)
//   redisPrefix  [variable, value]: the service's own Redis key prefix, set only when the platform is isolated
//                ({ns} becomes the isolation namespace), so parallel platforms share one Redis safely
//   health   readiness path polled before the platform reports itself up
//   route    path prefix the gateway sends to this service (element-wise, like a Gateway API PathPrefix match)

export const SERVICES = [
  { name: 'auth', port: 3001, dir: 'auth', entry: 'src/index.ts', needs: ['db', 'redis', 'jwt-private'], redisPrefix: ['RATE_LIMIT_KEY_PREFIX', '{ns}:auth:'], health: '/healthz/ready', route: '/api/users' },
  { name: 'tickets', port: 3002, dir: 'tickets', entry: 'src/index.ts', needs: ['db', 'nats'], health: '/healthz/ready', route: '/api/tickets' },
  { name: 'orders', port: 3003, dir: 'orders', entry: 'src/index.ts', needs: ['db', 'nats'], health: '/healthz/ready', route: '/api/orders' },
  { name: 'expiration', port: 3004, dir: 'expiration', entry: 'src/index.ts', needs: ['nats', 'redis'], redisPrefix: ['EXPIRATION_QUEUE_PREFIX', '{ns}:expiration'], health: '/healthz/ready' },
  { name: 'payments', port: 3005, dir: 'payments', entry: 'src/index.ts', needs: ['db', 'nats'], health: '/healthz/ready', route: '/api/payments' },
  { name: 'client', port: 3100, dir: 'client', kind: 'next', needs: [], health: '/', route: '/' },
];

/** The gateway's port: the one origin a browser uses (docs/api.md). */
export const GATEWAY_PORT = 3000;
