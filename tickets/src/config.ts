import { z } from 'zod';
import { configFields, loadConfigOrExit } from '@ticketing/common';

export const TICKETS_PORT = 3002;

export const configSchema = z.object({
  NODE_ENV: configFields.NODE_ENV,
  LOG_LEVEL: configFields.LOG_LEVEL,
  PORT: configFields.port(TICKETS_PORT),
  DATABASE_URL: configFields.DATABASE_URL,
  NATS_URL: configFields.NATS_URL,
  // Prefixes stream names and subjects so several test runs (or environments) can share one NATS.
  BUS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'must be letters, digits, "_" or "-"')
    .default(''),
  JWT_PUBLIC_KEY: configFields.JWT_PUBLIC_KEY,
});

export type TicketsConfig = z.output<typeof configSchema>;

export function loadTicketsConfig(env: Record<string, string | undefined> = process.env): TicketsConfig {
  return loadConfigOrExit(configSchema, 'tickets', env);
}
