import type { ApiErrorItem, ApiFailure } from './api-types';

const STATUS_TEXT: Record<number, string> = {
  0: 'The service could not be reached. Check your connection and try again.',
  401: 'Please sign in to continue.',
  403: 'That belongs to someone else.',
  404: 'Not found.',
  413: 'That file is too large: a ticket PDF may be at most 2 MB.',
  429: 'Too many attempts. Wait a moment and try again.',
  502: 'The service is unavailable right now. Try again in a moment.',
  503: 'The service is unavailable right now. Try again in a moment.',
  504: 'The service took too long to answer. Try again in a moment.',
};

/** Reads `{errors: [...]}` from a failed response; anything else (a proxy's HTML page) becomes one readable message. */
export async function failureFrom(response: Response): Promise<ApiFailure> {
  let errors: ApiErrorItem[] = [];
  try {
    const body: unknown = await response.json();
    if (body && typeof body === 'object' && Array.isArray((body as { errors?: unknown }).errors)) {
      errors = (body as { errors: unknown[] }).errors
        .filter((e): e is ApiErrorItem => !!e && typeof (e as ApiErrorItem).message === 'string')
        .map((e) => (typeof e.field === 'string' ? { message: e.message, field: e.field } : { message: e.message }));
    }
  } catch {
    // not JSON: fall through to the generic text for the status
  }
  if (errors.length === 0) errors = [{ message: STATUS_TEXT[response.status] ?? `Something went wrong (HTTP ${response.status}).` }];
  return { ok: false, status: response.status, errors };
}

/** No answer at all: from the browser, likely its connection; from the server side, the service itself. */
export function unreachable(side: 'browser' | 'server' = 'browser'): ApiFailure {
  const message = side === 'browser' ? STATUS_TEXT[0]! : 'The service is unavailable right now. Try again in a moment.';
  return { ok: false, status: 0, errors: [{ message }] };
}

/** Messages tied to one input, keyed by field name. */
export function fieldErrors(failure: ApiFailure | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of failure?.errors ?? []) if (e.field && !out[e.field]) out[e.field] = e.message;
  return out;
}

/** Messages not tied to a known input of the form (shown at the top of it). */
export function formErrors(failure: ApiFailure | null, knownFields: readonly string[] = []): string[] {
  return (failure?.errors ?? []).filter((e) => !e.field || !knownFields.includes(e.field)).map((e) => e.message);
}

export function firstMessage(failure: ApiFailure): string {
  return failure.errors.map((e) => e.message).join(' ');
}
