import { runService } from '@ticketing/common';
import { buildApp } from './app';
import { expirationService } from './config';
import { startExpiration } from './expiration-service';

runService({
  identity: expirationService,
  streams: ['EXPIRATION', 'ORDERS'],
  // The worker lets its running jobs finish (each a PubAck away) before the process exits.
  shutdownTimeoutMs: 20_000,
  compose: ({ config, bus, logger }) => ({
    background: [{ name: 'expiration service', start: () => startExpiration({ config, bus, logger }) }],
    http: (health) => buildApp({ logger, health }),
    describe: { healthOnly: true },
  }),
});
