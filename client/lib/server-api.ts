import { cache } from 'react';
import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import type { ApiResult, CatalogEvent, EventPage, FeeTerms, Listing, ListingPage, ListingTerms, User } from './api-types';
import { failureFrom, unreachable } from './api-errors';
import { serviceBaseUrl, type ServiceName } from './service-urls';

const TIMEOUT_MS = 8000;

/**
 * GET from a service on behalf of the person viewing the page: their cookie goes along, so the service sees the
 * same session the browser has. Never throws for API or network failures; the page decides what to show.
 */
export async function serverGet<T>(service: ServiceName, path: string): Promise<ApiResult<T>> {
  const incoming = await headers();
  const forwarded: Record<string, string> = { Accept: 'application/json' };
  const cookie = incoming.get('cookie');
  if (cookie) forwarded.Cookie = cookie;
  const requestId = incoming.get('x-request-id');
  if (requestId) forwarded['X-Request-Id'] = requestId;

  let response: Response;
  try {
    response = await fetch(`${serviceBaseUrl(service, process.env)}${path}`, {
      headers: forwarded,
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return unreachable('server');
  }
  if (!response.ok) return failureFrom(response);
  return { ok: true, status: response.status, data: (await response.json()) as T };
}

/** The signed-in user, or null (also when auth cannot be reached: pages still render, signed out). */
export const currentUser = cache(async (): Promise<User | null> => {
  const result = await serverGet<{ currentUser: User | null }>('auth', '/api/users/currentuser');
  return result.ok ? result.data.currentUser : null;
});

/**
 * The admin pages' gate, checked on the server before anything renders: signed out goes to sign-in (and back here
 * afterwards), signed in without the role gets the 403 page. The API checks the role again on every write.
 */
export async function requireAdmin(returnTo: string): Promise<User> {
  const user = await currentUser();
  if (!user) redirect(`/signin?next=${encodeURIComponent(returnTo)}`);
  if (!user.roles.includes('admin')) forbidden();
  return user;
}

/** An admin page's <title>, or the 403 page's for anyone else (metadata is resolved before forbidden() replaces the page). */
export async function adminPageTitle(title: string): Promise<{ title: string }> {
  const user = await currentUser();
  return { title: user?.roles.includes('admin') ? `${title} · Admin` : user ? 'Admins only' : 'Sign in' };
}

export function getEvent(id: string): Promise<ApiResult<CatalogEvent>> {
  return serverGet<CatalogEvent>('catalog', `/api/events/${encodeURIComponent(id)}`);
}

export function browseEvents(query: Record<string, string>): Promise<ApiResult<EventPage>> {
  return serverGet<EventPage>('catalog', `/api/events?${new URLSearchParams(query)}`);
}

export function getListing(id: string): Promise<ApiResult<Listing>> {
  return serverGet<Listing>('tickets', `/api/listings/${encodeURIComponent(id)}`);
}

/** GET /api/listings with the query as given (eventId and quantity, or sellerId; limit, cursor). */
export function findListings(query: Record<string, string>): Promise<ApiResult<ListingPage>> {
  return serverGet<ListingPage>('tickets', `/api/listings?${new URLSearchParams(query)}`);
}

export function feeTerms(): Promise<ApiResult<FeeTerms>> {
  return serverGet<FeeTerms>('orders', '/api/orders/fees');
}

export function listingTerms(): Promise<ApiResult<ListingTerms>> {
  return serverGet<ListingTerms>('tickets', '/api/listings/terms');
}

/**
 * Publishable keys are public; read at request time so one build runs with or without Stripe. The bundler inlines
 * NEXT_PUBLIC_* at build time, even `process.env[name]` with a constant name, so the lookup goes through the entries.
 */
export function stripePublishableKey(): string | null {
  const found = Object.entries(process.env).find(([name]) => name === STRIPE_KEY_VARIABLE)?.[1]?.trim();
  return found ? found : null;
}

const STRIPE_KEY_VARIABLE = 'NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY';
