import type { RequestHandler } from 'express';
import multer from 'multer';
import { BadRequestError, PayloadTooLargeError, type RouteBodyMediaTypes } from '@ticketing/common';
import { normaliseBarcode, type ItemContent } from '../items/item-sealing';
import { ITEM_PDF_MAX_BYTES, isWholePdf } from '../items/pdf-check';

/** The upload takes a PDF as multipart/form-data, or a barcode alone as JSON (createServiceApp's bodyMediaTypes). */
export const ITEM_UPLOAD: RouteBodyMediaTypes = { method: 'PUT', path: '/api/tickets/:id/item', types: ['multipart/form-data', 'application/json'] };

const MAX_MB = ITEM_PDF_MAX_BYTES / (1024 * 1024);
export const BARCODE_MESSAGE = 'barcode must be 4 to 128 characters: letters, digits, spaces, "-" or "."';
const SEND_ITEM = 'Send multipart/form-data with file (a PDF) and barcode, or JSON {"barcode": "..."}';

// In memory: at most 2 MB, parsed once and sealed, never written anywhere unsealed. A body cut short never reaches
// the route, so an upload killed half-way stores nothing.
const parseUpload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: ITEM_PDF_MAX_BYTES, files: 1, fields: 1, parts: 2, fieldSize: 1024 },
}).single('file');

/** multer's refusals as the API's errors: a file over the limit 413, any other multipart fault 400. */
export const readItemUpload: RequestHandler = (req, res, next) => {
  parseUpload(req, res, (err?: unknown) => {
    if (err === undefined) return next();
    if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') return next(new PayloadTooLargeError(`The PDF must be at most ${MAX_MB} MB`));
    if (err instanceof multer.MulterError) return next(new BadRequestError(SEND_ITEM, err.field === 'barcode' ? 'barcode' : 'file'));
    next(new BadRequestError(`The body is not well-formed multipart/form-data. ${SEND_ITEM}`, 'file'));
  });
};

const BARCODE = /^[A-Za-z0-9 .-]{4,128}$/;

/** Trimmed; 4–128 printable characters of a barcode, at least 4 of them significant (not spaces or dashes). */
export function barcodeOf(value: unknown): string {
  const barcode = typeof value === 'string' ? value.trim() : '';
  if (!BARCODE.test(barcode) || normaliseBarcode(barcode).length < 4) throw new BadRequestError(BARCODE_MESSAGE, 'barcode');
  return barcode;
}

/** The request's item, checked: the barcode, and the file really parsed as a PDF (its name and type say nothing). */
export async function itemContentOf(body: unknown, file: Express.Multer.File | undefined): Promise<ItemContent> {
  const barcode = barcodeOf((body as Record<string, unknown> | undefined)?.barcode);
  if (!file) return { barcode, pdf: null };
  if (file.fieldname !== 'file') throw new BadRequestError(SEND_ITEM, 'file');
  if (!(await isWholePdf(file.buffer))) throw new BadRequestError('file must be a PDF document (this one could not be read as a PDF)', 'file');
  return { barcode, pdf: file.buffer };
}
