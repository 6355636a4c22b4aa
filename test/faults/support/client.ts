import type { BackendService, Replica, ReplicaPlatform } from './platform';

// The workload's HTTP client: one request to a random replica that is up, every answer and every error counted by
// route and outcome. A refused or reset connection (the replica was just killed) is tried once more on another replica,
// as a load balancer would; an HTTP answer, whatever its status, is final.

export interface User {
  id: string;
  cookie: string;
}

export interface Answer {
  status: number;
  body: unknown;
  setCookie: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errorCode(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string }; code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
  return e.cause?.code ?? e.code ?? 'network-error';
}

/** The field a 400 names (`{errors: [{field, message}]}`), when it names one. */
export function refusedField(answer: Answer | undefined): string | undefined {
  const errors = (answer?.body as { errors?: { field?: string }[] } | undefined)?.errors;
  return errors?.find((e) => e.field)?.field;
}

export class ApiClient {
  private readonly counts = new Map<string, number>();

  constructor(private readonly platform: ReplicaPlatform) {}

  count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  requests(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  /** `body` is sent as JSON, `form` as multipart/form-data (a file upload). */
  async call(service: BackendService, method: string, route: string, pathname: string, opts: { user?: User; body?: unknown; form?: () => FormData } = {}): Promise<Answer | undefined> {
    let replica: Replica | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      replica = this.platform.pick(service, replica);
      if (!replica) {
        this.count(`${method} ${route} -> no replica up`);
        return undefined;
      }
      try {
        const res = await fetch(`${replica.url}${pathname}`, {
          method,
          headers: { ...(opts.body ? { 'content-type': 'application/json' } : {}), ...(opts.user ? { cookie: opts.user.cookie } : {}) },
          // A form is built anew for each attempt: a body stream is spent once sent.
          body: opts.form ? opts.form() : opts.body ? JSON.stringify(opts.body) : undefined,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        this.count(`${method} ${route} -> ${res.status}`);
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: kept as text
        }
        return { status: res.status, body, setCookie: res.headers.getSetCookie() };
      } catch (err) {
        this.count(`${method} ${route} -> ${errorCode(err)}`);
        await sleep(100);
      }
    }
    return undefined;
  }
}
