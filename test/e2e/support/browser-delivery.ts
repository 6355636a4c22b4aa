// Delivery as the browser tests see it: real ticket PDFs made here, a seller's upload rows, the buyer's tickets, and
// reading a rendered QR code back from the page's pixels (as a scanner at the door would).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { BrowserContext, Locator, Page } from 'playwright-core';

/** A barcode no other test uses (the platform refuses a barcode on sale twice). */
export function uniqueBarcode(prefix = 'VH'): string {
  return `${prefix}-${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
}

/** A one-page PDF ticket with its barcode printed on it, as a box office issues it (a real document, parsed server-side). */
export async function ticketPdf(title: string, seat: string, barcode: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([420, 240]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText(title, { x: 24, y: 196, size: 14, font });
  page.drawText(seat, { x: 24, y: 166, size: 12, font });
  page.drawText(barcode, { x: 24, y: 40, size: 16, font });
  return Buffer.from(await doc.save());
}

/** One ticket's upload row (its group is named by the seat: "Seat 7", "Ticket 1"). */
export function itemRow(scope: Page | Locator, label: string): Locator {
  return scope.getByRole('group', { name: new RegExp(`^${label}\\b`) });
}

/** Picks a file for a row's PDF input, from bytes (as the seller's file chooser would). */
export async function choosePdf(row: Locator, name: string, bytes: Buffer, mimeType = 'application/pdf'): Promise<void> {
  await row.getByLabel('PDF ticket (optional)').setInputFiles({ name, mimeType, buffer: bytes });
}

/** One delivered ticket on the buyer's order page. */
export function ticketPass(page: Page, label: string): Locator {
  return page.getByRole('list', { name: 'Tickets' }).getByRole('listitem', { name: label });
}

/** PUT /api/tickets/:id/item with a barcode alone, as the seller (through the API: for scenarios set up around the page). */
export async function attachBarcode(context: BrowserContext, ticketId: string, barcode: string): Promise<void> {
  const response = await context.request.put(`/api/tickets/${ticketId}/item`, { data: { barcode } });
  if (response.status() !== 200) throw new Error(`PUT /api/tickets/${ticketId}/item: HTTP ${response.status()} ${await response.text()}`);
}

const JSQR = require.resolve('jsqr/dist/jsQR.js');

interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { fillStyle: string; fillRect(...a: number[]): void; drawImage(...a: unknown[]): void; getImageData(...a: number[]): { data: Uint8ClampedArray } };
}

/**
 * The text a QR scanner reads off the image as the page draws it (at its rendered size, through a canvas), or null.
 * jsQR runs in the page: the pixels are the browser's own.
 */
export async function scanQrCode(page: Page, image: Locator): Promise<string | null> {
  if (!(await page.evaluate('typeof window.jsQR === "function"'))) await page.addScriptTag({ content: fs.readFileSync(JSQR, 'utf8') });
  return image.evaluate(async (node) => {
    const img = node as unknown as { complete: boolean; decode(): Promise<void>; getBoundingClientRect(): { width: number; height: number }; ownerDocument: { createElement(tag: 'canvas'): unknown } };
    if (!img.complete) await img.decode();
    const { width, height } = img.getBoundingClientRect();
    const margin = 16;
    const canvas = img.ownerDocument.createElement('canvas') as Canvas;
    canvas.width = Math.round(width) + 2 * margin;
    canvas.height = Math.round(height) + 2 * margin;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, margin, margin, Math.round(width), Math.round(height));
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const jsQR = (globalThis as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR;
    return jsQR(pixels.data, canvas.width, canvas.height)?.data ?? null;
  });
}
