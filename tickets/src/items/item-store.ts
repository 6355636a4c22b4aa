import type { Queryable } from '@ticketing/common';

/** An item as it rests: AES-256-GCM output and the id of the key that sealed it; nothing readable. */
export interface SealedItem {
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
  /** What may be said without opening it. */
  hasPdf: boolean;
  /** Plaintext bytes (the PDF's size when there is one). */
  size: number;
}

/**
 * Where sealed items live. Each call takes the caller's transaction, so an item is stored together with the ticket,
 * the delivery and the outbox rows it goes with (an upload is one transaction). An object-storage store would write
 * the object under a fresh key before the transaction and record that key here, so a rollback leaves an orphan object
 * (swept later) rather than a ticket pointing at nothing.
 */
export interface ItemStore {
  put(db: Queryable, ticketId: string, item: SealedItem): Promise<void>;
  get(db: Queryable, ticketId: string): Promise<SealedItem | null>;
  delete(db: Queryable, ticketId: string): Promise<void>;
  /** Up to `limit` items not sealed under keyId, locked for re-sealing (rotation); concurrent runs skip each other's. */
  claimNotSealedWith(db: Queryable, keyId: string, limit: number): Promise<Array<{ ticketId: string; item: SealedItem }>>;
}
