import { z } from 'zod';
import { configFields, defineService, DEFAULT_SESSION_TTL_SECONDS, type ServiceConfig } from '@ticketing/common';

const count = (fallback: number) => z.coerce.number({ error: 'a whole number greater than 0' }).int().positive().default(fallback);

const isEmail = (value: string) => z.email().safeParse(value).success;

/** Comma-separated addresses, compared as sign-up stores them (trimmed, lower-cased); empty (the default): no admins. */
const emailList = z
  .string()
  .default('')
  .transform((list) => list.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean))
  // Refined as a whole, not per entry: an issue must name the variable, not ADMIN_EMAILS.0.
  .refine((emails) => emails.every(isEmail), 'must be a comma-separated list of e-mail addresses, such as admin@example.com');

/** Who auth is and every variable it reads (docs/services/auth.md). */
export const authService = defineService({
  name: 'auth',
  port: 3001,
  uses: { database: true, redis: true, sessions: true },
  config: {
    JWT_PRIVATE_KEY: configFields.JWT_PRIVATE_KEY,
    SESSION_TTL_SECONDS: configFields.seconds(DEFAULT_SESSION_TTL_SECONDS),
    /** Accounts with these e-mails are admins, decided at each sign-up and sign-in (docs/services/auth.md, "Roles"). */
    ADMIN_EMAILS: emailList,
    /** Sign-in attempts for one email that may fail within a window before that email is locked until the window ends. */
    SIGNIN_MAX_FAILURES_PER_EMAIL: count(5),
    /** Sign-in attempts (any outcome) from one client address within a window. */
    SIGNIN_MAX_ATTEMPTS_PER_IP: count(30),
    SIGNIN_WINDOW_SECONDS: configFields.seconds(15 * 60),
    /** Namespaces the rate-limit keys, so several deployments (or test files) can share one Redis. */
    RATE_LIMIT_KEY_PREFIX: z.string().default('auth:'),
    // scrypt cost for new hashes. OWASP's N=2^14, r=8, p=5 is as strong as N=2^17, r=8, p=1 but needs 16 MiB, not 128 MiB.
    PASSWORD_SCRYPT_N: z.coerce
      .number({ error: 'a power of two such as 16384' })
      .int()
      .refine((n) => n >= 1024 && (n & (n - 1)) === 0, 'must be a power of two, at least 1024 (such as 16384)')
      .default(16384),
    PASSWORD_SCRYPT_R: count(8),
    PASSWORD_SCRYPT_P: count(5),
  },
});

export const configSchema = authService.configSchema;
export type AuthConfig = ServiceConfig<typeof authService>;
