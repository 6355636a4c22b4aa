/**
 * Where the client's server side reaches the services. Each service's own variable wins; otherwise one
 * API_INTERNAL_URL (anything that routes /api/* by prefix: the local gateway, the cluster Gateway) serves them all;
 * otherwise each service's default local port. Read at request time, so one build runs anywhere.
 */
export type ServiceName = 'auth' | 'tickets' | 'orders' | 'payments' | 'catalog';

const DEFAULTS: Record<ServiceName, { variable: string; url: string }> = {
  auth: { variable: 'AUTH_URL', url: 'http://127.0.0.1:3001' },
  tickets: { variable: 'TICKETS_URL', url: 'http://127.0.0.1:3002' },
  orders: { variable: 'ORDERS_URL', url: 'http://127.0.0.1:3003' },
  payments: { variable: 'PAYMENTS_URL', url: 'http://127.0.0.1:3005' },
  catalog: { variable: 'CATALOG_URL', url: 'http://127.0.0.1:3006' },
};

type Env = Record<string, string | undefined>;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function serviceBaseUrl(service: ServiceName, env: Env): string {
  const own = env[DEFAULTS[service].variable]?.trim();
  if (own) return trimSlash(own);
  const shared = env.API_INTERNAL_URL?.trim();
  if (shared) return trimSlash(shared);
  return DEFAULTS[service].url;
}

export function serviceBaseUrls(env: Env): Record<ServiceName, string> {
  return {
    auth: serviceBaseUrl('auth', env),
    tickets: serviceBaseUrl('tickets', env),
    orders: serviceBaseUrl('orders', env),
    payments: serviceBaseUrl('payments', env),
    catalog: serviceBaseUrl('catalog', env),
  };
}
