import { createLogger, createPool, loadConfigOrExit } from '@ticketing/common';
import { z } from 'zod';
import { configFields } from '@ticketing/common';
import { ITEM_KEYS_FORMAT, parseItemKeys } from '../items/item-keys';
import { DatabaseItemStore } from '../items/database-item-store';
import { rotateItemKeys } from '../items/rotate-item-keys';

/**
 * `npm run rotate-item-keys -w @ticketing/tickets` (docs/services/tickets.md "Rotating item keys"): with
 * ITEM_ENCRYPTION_KEYS holding the new key first and the old ones after it, re-seals every item under the new key.
 * Safe to stop and run again; the service keeps serving meanwhile.
 */
const schema = z.object({
  DATABASE_URL: configFields.DATABASE_URL,
  LOG_LEVEL: configFields.LOG_LEVEL,
  ITEM_ENCRYPTION_KEYS: z.string({ error: ITEM_KEYS_FORMAT }).transform((v, ctx) => {
    const parsed = parseItemKeys(v);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  }),
  ROTATION_BATCH_SIZE: z.coerce.number({ error: 'a whole number of items' }).int().min(1).max(10_000).default(200),
});

async function main(): Promise<void> {
  const config = loadConfigOrExit(schema, 'rotate-item-keys');
  const logger = createLogger('rotate-item-keys', config.LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, logger, { max: 2, applicationName: 'rotate-item-keys' });
  try {
    await rotateItemKeys({ pool, store: new DatabaseItemStore(), keyring: config.ITEM_ENCRYPTION_KEYS, logger, batchSize: config.ROTATION_BATCH_SIZE });
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`rotate-item-keys failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
