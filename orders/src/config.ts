import { z } from 'zod';
import { configFields } from '@ticketing/common';

export const configSchema = z.object({
  NODE_ENV: configFields.NODE_ENV,
  LOG_LEVEL: configFields.LOG_LEVEL,
  PORT: configFields.port(3003),
  DATABASE_URL: configFields.DATABASE_URL,
  DB_POOL_SIZE: z.coerce.number({ error: 'a number of connections' }).int().min(1).max(200).default(10),
  NATS_URL: configFields.NATS_URL,
  BUS_NAMESPACE: z.string().default(''),
  JWT_PUBLIC_KEY: configFields.JWT_PUBLIC_KEY,
  /** How long a new order holds its ticket (DESIGN.md invariant 2). */
  ORDER_EXPIRATION_SECONDS: configFields.seconds(900),
});

export type OrdersConfig = z.output<typeof configSchema>;
