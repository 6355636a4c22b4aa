import { z } from 'zod';
import { configFields, defineService, type ServiceConfig } from '@ticketing/common';
import { ITEM_KEYS_FORMAT, parseItemKeys, strictBase64, type ItemKeyring } from './items/item-keys';

const itemKeys = z
  .string({ error: ITEM_KEYS_FORMAT })
  .optional()
  .transform((v, ctx): ItemKeyring | undefined => {
    if (v === undefined) return undefined;
    const parsed = parseItemKeys(v);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  });

const fingerprintKey = z
  .string({ error: 'base64 of at least 32 random bytes' })
  .optional()
  .transform((v, ctx): Buffer | undefined => {
    if (v === undefined) return undefined;
    const key = strictBase64(v);
    if (!key || key.length < 32) {
      ctx.addIssue({ code: 'custom', message: 'must be base64 of at least 32 random bytes (openssl rand -base64 32)' });
      return z.NEVER;
    }
    return key;
  });

/** A positive number of hours or seconds; decimals allowed so tests can run deadlines and sweeps in seconds. */
const positive = (what: string, max: number, fallback: number) =>
  z.coerce.number({ error: `a positive number of ${what}` }).positive(`must be a positive number of ${what}`).max(max).default(fallback);

/** Who tickets is and every variable it reads (docs/services/tickets.md). */
const declared = defineService({
  name: 'tickets',
  port: 3002,
  uses: { database: true, bus: true, sessions: true },
  config: {
    /** Price cap: a ticket's price may exceed its face value by at most this percent; empty = no cap. */
    MAX_MARKUP_PERCENT: configFields.optionalPercent(20),
    /** AES-256-GCM keys of ticket items: `keyId:base64(32 bytes)[,...]`, the first seals, all open. */
    ITEM_ENCRYPTION_KEYS: itemKeys,
    /** HMAC-SHA256 key of barcode fingerprints (base64, ≥ 32 bytes). Never rotated: fingerprints would stop matching. */
    ITEM_FINGERPRINT_KEY: fingerprintKey,
    /** Where sealed items live; `database` (ticket_items) is the only store today. */
    ITEM_STORE: z.enum(['database'], { error: 'database (the only item store so far)' }).default('database'),
    /** Later delivery: items are due this many hours before the event starts (orders stops selling then too). */
    DELIVERY_CUTOFF_HOURS: positive('hours', 24 * 365, 24),
    /** How often the sweeper looks for deliveries past their deadline. */
    DELIVERY_SWEEP_INTERVAL_SECONDS: positive('seconds', 3600, 30),
  },
});

/** Production never runs on the development keys (items/item-keys.ts developmentItemSecrets). */
const configSchema = declared.configSchema.superRefine((env, ctx) => {
  const e = env as { NODE_ENV: string; ITEM_ENCRYPTION_KEYS?: unknown; ITEM_FINGERPRINT_KEY?: unknown };
  if (e.NODE_ENV !== 'production') return;
  if (!e.ITEM_ENCRYPTION_KEYS) ctx.addIssue({ code: 'custom', path: ['ITEM_ENCRYPTION_KEYS'], message: `${ITEM_KEYS_FORMAT} (required in production)` });
  if (!e.ITEM_FINGERPRINT_KEY) ctx.addIssue({ code: 'custom', path: ['ITEM_FINGERPRINT_KEY'], message: 'base64 of at least 32 random bytes (required in production)' });
});

export const ticketsService = { ...declared, configSchema: configSchema as typeof declared.configSchema };
export { configSchema };
export type TicketsConfig = ServiceConfig<typeof ticketsService>;
