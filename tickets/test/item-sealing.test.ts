import { randomBytes, randomUUID } from 'node:crypto';
import { keyringOf } from '../src/items/item-keys';
import { barcodeFingerprint, openItem, sealItem } from '../src/items/item-sealing';

// Bearer items at rest (DESIGN invariant 9): what the sealing and the fingerprint promise, checked on their own.

const keyring = keyringOf([{ id: 'k1', key: randomBytes(32) }]);
const content = { barcode: 'TKT-SEALED-0001', pdf: Buffer.from('%PDF-1.7 pretend') };

test('a sealed item opens only for its own ticket: the ticket id is authenticated (copied to another ticket, it does not open)', () => {
  const a = randomUUID();
  const sealed = sealItem(keyring, a, content);
  expect(openItem(keyring, a, sealed)).toEqual(content);
  expect(() => openItem(keyring, randomUUID(), sealed)).toThrow();
});

test('every seal uses a fresh random IV: the same item sealed twice under one key never repeats IV or ciphertext', () => {
  const id = randomUUID();
  const seals = Array.from({ length: 20 }, () => sealItem(keyring, id, content));
  expect(new Set(seals.map((s) => s.iv.toString('hex'))).size).toBe(20);
  expect(new Set(seals.map((s) => s.ciphertext.toString('hex'))).size).toBe(20);
});

test('the barcode fingerprint is keyed: equal for one key and equal normalised barcodes, different under another key', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  expect(barcodeFingerprint(k1, 'abc 123-456').equals(barcodeFingerprint(k1, 'ABC123456'))).toBe(true);
  expect(barcodeFingerprint(k1, 'ABC123456').equals(barcodeFingerprint(k2, 'ABC123456'))).toBe(false);
});
