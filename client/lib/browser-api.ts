import type { ApiResult } from './api-types';
import { failureFrom, unreachable } from './api-errors';

/** The browser only ever talks to its own origin; the gateway routes /api/* to the services. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return unreachable();
  }
  if (!response.ok) return failureFrom(response);
  const data = response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  return { ok: true, status: response.status, data };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
