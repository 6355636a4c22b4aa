import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { ItemKeyring } from './item-keys';
import type { SealedItem } from './item-store';

/** What a seller hands over for one ticket: its barcode, and the PDF it is printed on when there is one. */
export interface ItemContent {
  barcode: string;
  pdf: Buffer | null;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

/**
 * Plaintext layout: 2 bytes of barcode length, the barcode (ASCII), then the PDF's bytes (none for a barcode-only
 * item). Binary rather than JSON so a 2 MB PDF is not inflated by base64 inside the ciphertext.
 */
function encode(c: ItemContent): Buffer {
  const barcode = Buffer.from(c.barcode, 'utf8');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(barcode.length);
  return Buffer.concat([head, barcode, c.pdf ?? Buffer.alloc(0)]);
}

function decode(plain: Buffer, hasPdf: boolean): ItemContent {
  const length = plain.readUInt16BE(0);
  return { barcode: plain.subarray(2, 2 + length).toString('utf8'), pdf: hasPdf ? Buffer.from(plain.subarray(2 + length)) : null };
}

/** Seals under the keyring's current key; the ticket id is authenticated, so a blob moved to another ticket does not open. */
export function sealItem(keyring: ItemKeyring, ticketId: string, content: ItemContent): SealedItem {
  const { id, key } = keyring.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(ticketId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(encode(content)), cipher.final()]);
  return { keyId: id, iv, authTag: cipher.getAuthTag(), ciphertext, hasPdf: content.pdf !== null, size: content.pdf?.length ?? 0 };
}

export class UnknownItemKeyError extends Error {
  constructor(keyId: string) {
    super(`The item was sealed with key ${keyId}, which ITEM_ENCRYPTION_KEYS no longer holds`);
  }
}

/** Opens a sealed item; throws if its key is gone or the blob (or its ticket id) was tampered with. */
export function openItem(keyring: ItemKeyring, ticketId: string, sealed: SealedItem): ItemContent {
  const key = keyring.byId.get(sealed.keyId);
  if (!key) throw new UnknownItemKeyError(sealed.keyId);
  const decipher = createDecipheriv(ALGORITHM, key.key, sealed.iv);
  decipher.setAAD(Buffer.from(ticketId, 'utf8'));
  decipher.setAuthTag(sealed.authTag);
  return decode(Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]), sealed.hasPdf);
}

/** Spaces and dashes are how barcodes get printed, not part of them; case is not significant either. */
export function normaliseBarcode(barcode: string): string {
  return barcode.replace(/[\s-]/g, '').toUpperCase();
}

/** The keyed fingerprint the uniqueness index holds: equal for equal barcodes, useless without the key. */
export function barcodeFingerprint(fingerprintKey: Buffer, barcode: string): Buffer {
  return createHmac('sha256', fingerprintKey).update(normaliseBarcode(barcode), 'utf8').digest();
}
