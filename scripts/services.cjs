// The one table of the services. `npm start`, the gateway, the image recipe (infra/docker/service.Dockerfile), the
// lint's import boundaries and the tests read it; the Kubernetes manifests are checked against it
// (test/manifests.test.ts). Adding a service is its folder, a line here and its manifest (plus its route in the
// HTTPRoute, if it has one, so both gateways agree). CommonJS so that ES modules, Jest and ESLint all load it as is.
//
//   name     process name in logs, `--only` and the platform's options; also the database suffix (ticketing_<name>)
//   port     the port it listens on by default: its config's PORT default, its image, its Kubernetes Service
//   localPort  only where `npm start` needs another one (the client: the gateway holds 3000 on this machine);
//            `startPlatform({ port: 0 })` picks free ones instead
//   dir      package directory (@ticketing/<dir>); the service is skipped while its entry file does not exist
//   entry    TypeScript entry under dir (built to dist/<same>.js); the client has none (Next.js)
//   needs    db → DATABASE_URL (+ database created), nats → NATS_URL + BUS_NAMESPACE, redis → REDIS_URL,
//            jwt-private → JWT_PRIVATE_KEY (every process gets JWT_PUBLIC_KEY), item-keys → ITEM_ENCRYPTION_KEYS +
//            ITEM_FINGERPRINT_KEY (development keys from .keys/item-keys.json unless set)
//   redisPrefix  [variable, value]: the service's own Redis key prefix, set only when the platform is isolated
//                ({ns} becomes the isolation namespace), so parallel platforms share one Redis safely
//   health   readiness path polled before the platform reports itself up
//   routes   path prefixes the gateway sends to this service (element-wise, like a Gateway API PathPrefix match)
'use strict';

const SERVICES = [
  { name: 'auth', port: 3001, dir: 'auth', entry: 'src/index.ts', needs: ['db', 'redis', 'jwt-private'], redisPrefix: ['RATE_LIMIT_KEY_PREFIX', '{ns}:auth:'], health: '/healthz/ready', routes: ['/api/users'] },
  { name: 'tickets', port: 3002, dir: 'tickets', entry: 'src/index.ts', needs: ['db', 'nats', 'item-keys'], health: '/healthz/ready', routes: ['/api/listings', '/api/tickets'] },
  { name: 'orders', port: 3003, dir: 'orders', entry: 'src/index.ts', needs: ['db', 'nats'], health: '/healthz/ready', routes: ['/api/orders'] },
  { name: 'expiration', port: 3004, dir: 'expiration', entry: 'src/index.ts', needs: ['nats', 'redis'], redisPrefix: ['EXPIRATION_QUEUE_PREFIX', '{ns}:expiration'], health: '/healthz/ready' },
  { name: 'payments', port: 3005, dir: 'payments', entry: 'src/index.ts', needs: ['db', 'nats'], health: '/healthz/ready', routes: ['/api/payments'] },
  { name: 'catalog', port: 3006, dir: 'catalog', entry: 'src/index.ts', needs: ['db', 'nats'], health: '/healthz/ready', routes: ['/api/events'] },
  { name: 'client', port: 3000, localPort: 3100, dir: 'client', kind: 'next', needs: [], health: '/', routes: ['/'] },
];

/** The gateway's port on this machine: the one origin a browser uses (docs/api.md). */
const GATEWAY_PORT = 3000;

/** The one image recipe every Node service builds from; the client (Next.js) has its own. */
const SERVICE_DOCKERFILE = 'infra/docker/service.Dockerfile';

/** The services that run our Node composition root (everything but the Next.js client). */
const BACKEND_SERVICES = SERVICES.filter((s) => s.kind !== 'next');

function serviceNamed(name) {
  const service = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`no service "${name}" in scripts/services.cjs (the services are ${SERVICES.map((s) => s.name).join(', ')})`);
  return service;
}

/** The port a service gets under `npm start` (not isolated). */
function localPortOf(service) {
  return service.localPort ?? service.port;
}

/** How its image is built, from the repository root: the Dockerfile and its build arguments. */
function imageOf(service) {
  if (service.kind === 'next') return { image: `ticketing/${service.name}`, dockerfile: `${service.dir}/Dockerfile`, buildArgs: {} };
  return { image: `ticketing/${service.name}`, dockerfile: SERVICE_DOCKERFILE, buildArgs: { SERVICE: service.dir, PORT: String(service.port) } };
}

module.exports = { SERVICES, BACKEND_SERVICES, GATEWAY_PORT, SERVICE_DOCKERFILE, serviceNamed, localPortOf, imageOf };
