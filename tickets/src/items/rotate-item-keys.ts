import { withTransaction, type Logger, type Pool } from '@ticketing/common';
import type { ItemKeyring } from './item-keys';
import { openItem, sealItem } from './item-sealing';
import type { ItemStore } from './item-store';

export interface RotationOptions {
  pool: Pool;
  store: ItemStore;
  keyring: ItemKeyring;
  logger: Logger;
  /** Items per transaction (default 200). */
  batchSize?: number;
}

/**
 * Re-seals every item not sealed under the keyring's first key with it, one batch per transaction. Resumable: what a
 * finished batch did stays done, and the next run starts from what is still under an old key. Concurrent runs (and
 * uploads, which already seal under the first key) skip each other's rows. Returns how many items it re-sealed.
 */
export async function rotateItemKeys(opts: RotationOptions): Promise<number> {
  const batchSize = opts.batchSize ?? 200;
  const target = opts.keyring.current.id;
  let done = 0;
  for (;;) {
    const n = await withTransaction(opts.pool, async (tx) => {
      const batch = await opts.store.claimNotSealedWith(tx, target, batchSize);
      for (const { ticketId, item } of batch) {
        const content = openItem(opts.keyring, ticketId, item);
        await opts.store.put(tx, ticketId, sealItem(opts.keyring, ticketId, content));
      }
      return batch.length;
    });
    done += n;
    if (n) opts.logger.info({ resealed: done, keyId: target }, 'ticket items re-sealed under the first key');
    if (n < batchSize) break;
  }
  const { rows } = await opts.pool.query<{ left: number }>(`SELECT count(*)::int AS left FROM ticket_items WHERE key_id <> $1`, [target]);
  opts.logger.info({ resealed: done, keyId: target, stillUnderOldKeys: rows[0]!.left }, 'rotation finished');
  return done;
}
