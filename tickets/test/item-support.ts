import { randomBytes } from 'node:crypto';
import type { Response } from 'superagent';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { DatabaseItemStore } from '../src/items/database-item-store';
import { keyringOf, type ItemKey } from '../src/items/item-keys';
import type { ItemSecrets } from '../src/items/item-secrets';

/** One key set per test process, made here as npm start makes the development ones. */
export const TEST_ITEM_KEY: ItemKey = { id: 'test1', key: randomBytes(32) };
export const TEST_FINGERPRINT_KEY = randomBytes(32);

export function testItemSecrets(keys: ItemKey[] = [TEST_ITEM_KEY]): ItemSecrets {
  return { store: new DatabaseItemStore(), keyring: keyringOf(keys), fingerprintKey: TEST_FINGERPRINT_KEY };
}

/** The env form of the keys (ITEM_ENCRYPTION_KEYS, ITEM_FINGERPRINT_KEY) for a real process. */
export function itemKeyEnv(keys: ItemKey[] = [TEST_ITEM_KEY]): Record<string, string> {
  return {
    ITEM_ENCRYPTION_KEYS: keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(','),
    ITEM_FINGERPRINT_KEY: TEST_FINGERPRINT_KEY.toString('base64'),
  };
}

/** A real one-page PDF with the barcode printed on it; `padTo` pads it (inside a stream) to about that many bytes. */
export async function ticketPdf(barcode: string, opts: { padTo?: number } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 200]);
  page.drawText(`ADMIT ONE ${barcode}`, { x: 20, y: 100, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  if (opts.padTo) {
    const base = (await doc.save()).length;
    // Random bytes do not compress: the file grows by about what is attached.
    await doc.attach(randomBytes(Math.max(0, opts.padTo - base - 600)), 'padding.bin', { mimeType: 'application/octet-stream' });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A unique barcode per call, in a plausible shape. */
export function newBarcode(): string {
  return `TKT-${randomBytes(6).toString('hex').toUpperCase()}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

/** supertest's parser for a binary body (the PDF), as a Buffer. */
export function binaryBody(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
