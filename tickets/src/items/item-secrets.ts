import type { Logger } from '@ticketing/common';
import type { TicketsConfig } from '../config';
import { DatabaseItemStore } from './database-item-store';
import { developmentItemSecrets, type ItemKeyring } from './item-keys';
import type { ItemStore } from './item-store';

export interface ItemSecrets {
  store: ItemStore;
  keyring: ItemKeyring;
  fingerprintKey: Buffer;
}

/** The configured keys and store; outside production a missing key falls back to the development one, loudly. */
export function itemSecretsOf(config: Pick<TicketsConfig, 'ITEM_ENCRYPTION_KEYS' | 'ITEM_FINGERPRINT_KEY' | 'ITEM_STORE'>, logger: Logger): ItemSecrets {
  const dev = developmentItemSecrets();
  if (!config.ITEM_ENCRYPTION_KEYS || !config.ITEM_FINGERPRINT_KEY) {
    logger.warn('ITEM_ENCRYPTION_KEYS or ITEM_FINGERPRINT_KEY unset: ticket items use the fixed development keys (refused in production)');
  }
  return {
    store: new DatabaseItemStore(),
    keyring: config.ITEM_ENCRYPTION_KEYS ?? dev.keyring,
    fingerprintKey: config.ITEM_FINGERPRINT_KEY ?? dev.fingerprintKey,
  };
}
