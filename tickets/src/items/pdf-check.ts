import { PDFDocument } from 'pdf-lib';

/** The largest PDF an item may hold. */
export const ITEM_PDF_MAX_BYTES = 2 * 1024 * 1024;

/**
 * Whether the bytes are a whole PDF: the header and the end-of-file marker (pdf-lib repairs a document cut short, so
 * it alone would accept half a file), then a parser that loads the document and finds at least one page.
 */
export async function isWholePdf(bytes: Buffer): Promise<boolean> {
  if (bytes.length < 16 || bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return false;
  if (!bytes.subarray(Math.max(0, bytes.length - 1024)).toString('latin1').includes('%%EOF')) return false;
  try {
    const doc = await PDFDocument.load(bytes, { throwOnInvalidObject: true, updateMetadata: false, ignoreEncryption: true });
    return doc.getPageCount() > 0;
  } catch {
    return false;
  }
}
