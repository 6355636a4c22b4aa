import { z } from 'zod';

/** Thrown (or printed before exit) when the environment does not satisfy a service's schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** PEM keys travel through env vars; accept literal "\n" escapes so they fit on one line in .env files and Secrets. */
export const pemKey = (kind: 'PUBLIC' | 'PRIVATE') =>
  z
    .string({ error: `a PEM-encoded ${kind.toLowerCase()} key ("-----BEGIN ${kind} KEY-----...")` })
    .transform((v) => v.replace(/\\n/g, '\n').trim())
    .refine((v) => v.includes(`-----BEGIN ${kind} KEY-----`), `must be a PEM-encoded ${kind.toLowerCase()} key ("-----BEGIN ${kind} KEY-----...")`);

const url = (protocols: string[], example: string) =>
  z
    .string({ error: `a URL like ${example}` })
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be a URL like ${example}`);

/** Building blocks that service schemas compose, so every service spells a variable the same way. */
export const configFields = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  port: (fallback: number) => z.coerce.number({ error: 'a TCP port number' }).int().min(1).max(65535).default(fallback),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user@127.0.0.1:5432/dbname'),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  JWT_PUBLIC_KEY: pemKey('PUBLIC'),
  JWT_PRIVATE_KEY: pemKey('PRIVATE'),
  /** A percentage 0–100 with at most two decimals (fees, caps). */
  percent: (fallback: number) =>
    z.coerce
      .number({ error: 'a percentage from 0 to 100' })
      .min(0, 'must be a percentage from 0 to 100')
      .max(100, 'must be a percentage from 0 to 100')
      .refine((v) => Number.isInteger(Math.round(v * 100)) && Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, 'must have at most two decimals')
      .default(fallback),
  /** Like percent, but an empty value means "none" (null): a cap that may be switched off. */
  optionalPercent: (fallback: number) =>
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return fallback;
        if (v.trim() === '') return null;
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0 || n > 1000 || Math.abs(n * 100 - Math.round(n * 100)) > 1e-9) {
          ctx.addIssue({ code: 'custom', message: 'must be a percentage (0–1000, at most two decimals) or empty for none' });
          return z.NEVER;
        }
        return n;
      }),
  seconds: (fallback: number) => z.coerce.number({ error: 'a number of seconds' }).int().positive().default(fallback),
};

function describe(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = issue.path.join('.') || '(environment)';
  if (env[name] === undefined || env[name] === '') {
    return `${name} is missing: set it to ${issue.message.replace(/^(Invalid input: )?(must be )?/, '')}`;
  }
  // Field descriptions ("a TCP port number") read as what the value must be.
  return `${name} is invalid: ${/^an? /.test(issue.message) ? `must be ${issue.message}` : issue.message}`;
}

/** Parses the environment against a schema; throws a ConfigError naming each bad variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.output<S> {
  const normalized = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(normalized);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => describe(i, env)));
  return result.data;
}

/** For composition roots: a bad environment prints what to fix and stops the process before anything starts. */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, service: string, env: Record<string, string | undefined> = process.env): z.output<S> {
  try {
    return loadConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: cannot start. ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
