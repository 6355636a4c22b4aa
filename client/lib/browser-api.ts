import type { ApiResult } from './api-types';
import { failureFrom, unreachable } from './api-errors';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

async function send<T>(method: Method, path: string, headers: Record<string, string>, body?: BodyInit): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, { method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json', ...headers }, body });
  } catch {
    return unreachable();
  }
  if (!response.ok) return failureFrom(response);
  const data = response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  return { ok: true, status: response.status, data };
}

/** The browser only ever talks to its own origin; the gateway routes /api/* to the services. */
export function api<T>(method: Method, path: string, body?: unknown): Promise<ApiResult<T>> {
  return body === undefined ? send<T>(method, path, {}) : send<T>(method, path, { 'Content-Type': 'application/json' }, JSON.stringify(body));
}

/** A file upload (multipart/form-data; the browser writes the boundary into Content-Type itself). */
export function apiUpload<T>(method: 'POST' | 'PUT', path: string, form: FormData): Promise<ApiResult<T>> {
  return send<T>(method, path, {}, form);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
