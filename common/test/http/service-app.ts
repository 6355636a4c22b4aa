import { Router, type RequestHandler } from 'express';
import { createLogger, createServiceApp, type HealthOptions } from '@ticketing/common';
import { testKeys } from '@ticketing/common/testing';

/** The common app skeleton around test routes, as a service would build it (silent logs, the shared test key). */
export function serviceApp(routes: Router | RequestHandler, opts: { health?: Partial<HealthOptions>; production?: boolean } = {}) {
  return createServiceApp({
    logger: createLogger('common-test', 'silent'),
    jwtPublicKey: testKeys().publicKey,
    production: opts.production ?? false,
    health: { checks: {}, isAccepting: () => true, ...opts.health },
    routes,
  });
}
