import type { NextConfig } from 'next';
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants';
import { serviceBaseUrls } from './lib/service-urls';

// In production the gateway (scripts/platform/gateway.mjs, or the Kubernetes Gateway) sends /api/* to the services before
// a request ever reaches Next. `next dev` on its own has no gateway, so it proxies /api/* itself.
export default function config(phase: string): NextConfig {
  const urls = serviceBaseUrls(process.env);
  return {
    // The image (client/Dockerfile) ships Next's self-contained server; `npm start` keeps using `next start`.
    output: process.env.NEXT_OUTPUT_STANDALONE === '1' ? 'standalone' : undefined,
    reactStrictMode: true,
    poweredByHeader: false,
    // forbidden(): the admin pages answer a real 403 with app/forbidden.tsx (still experimental in Next 16).
    experimental: { authInterrupts: true },
    async rewrites() {
      if (phase !== PHASE_DEVELOPMENT_SERVER) return [];
      return [
        { source: '/api/users/:path*', destination: `${urls.auth}/api/users/:path*` },
        { source: '/api/listings/:path*', destination: `${urls.tickets}/api/listings/:path*` },
        { source: '/api/listings', destination: `${urls.tickets}/api/listings` },
        { source: '/api/tickets/:path*', destination: `${urls.tickets}/api/tickets/:path*` },
        { source: '/api/orders/:path*', destination: `${urls.orders}/api/orders/:path*` },
        { source: '/api/orders', destination: `${urls.orders}/api/orders` },
        { source: '/api/payments/:path*', destination: `${urls.payments}/api/payments/:path*` },
        { source: '/api/payments', destination: `${urls.payments}/api/payments` },
        { source: '/api/events/:path*', destination: `${urls.catalog}/api/events/:path*` },
        { source: '/api/events', destination: `${urls.catalog}/api/events` },
      ];
    },
  };
}
