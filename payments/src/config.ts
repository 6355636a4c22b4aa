import { z } from 'zod';
import { configFields, defineService, type ServiceConfig } from '@ticketing/common';

const optionalPort = z.coerce.number({ error: 'a TCP port number' }).int().min(1).max(65535).optional();

function attemptsPerHour(fallback: number) {
  return z.coerce.number({ error: 'a whole number of payment attempts' }).int().positive().default(fallback);
}

/** Who payments is and every variable it reads (docs/services/payments.md). */
export const paymentsService = defineService({
  name: 'payments',
  port: 3005,
  uses: { database: true, bus: true, sessions: true },
  config: {
    /** Set → Stripe; unset → the built-in offline test gateway. */
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_\S+$/, 'must be a Stripe secret key (sk_test_... or sk_live_...)')
      .optional(),
    /** Only for pointing the SDK at a local fake of Stripe's API (tests); leave unset in production. */
    STRIPE_API_HOST: z.string().min(1).optional(),
    STRIPE_API_PORT: optionalPort,
    STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
    PAYMENT_CURRENCY: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 currency code such as usd')
      .transform((c) => c.toLowerCase())
      .default('usd'),
    /** How often the sweeper reconciles stale payment attempts and retries pending refunds. */
    PAYMENTS_SWEEP_INTERVAL_SECONDS: configFields.seconds(15),
    /** A payment attempt still pending after this lost its request (must exceed the gateway's timeout with retries). */
    PAYMENTS_STALE_ATTEMPT_SECONDS: configFields.seconds(120),
    /** Card testing: attempts that reached the provider for one order in the last hour, beyond which 429. */
    PAYMENT_ATTEMPTS_PER_ORDER_PER_HOUR: attemptsPerHour(5),
    /** The same across all of one buyer's orders. */
    PAYMENT_ATTEMPTS_PER_BUYER_PER_HOUR: attemptsPerHour(20),
  },
});

export const configSchema = paymentsService.configSchema;
export type PaymentsConfig = ServiceConfig<typeof paymentsService>;
