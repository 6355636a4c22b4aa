import type { ApiResult, TicketItem, TicketItemReceipt } from './api-types';
import { api, apiUpload } from './browser-api';

/** The tickets service's limit; the page checks it first so a seller on a slow line does not upload 20 MB to hear no. */
export const MAX_PDF_BYTES = 2 * 1024 * 1024;

/** What a seller attaches to one ticket: a PDF with the barcode printed on it plus that barcode, or the barcode alone. */
export interface ItemDraft {
  file: File | null;
  barcode: string;
}

export interface ItemProblems {
  file?: string;
  barcode?: string;
}

export const EMPTY_DRAFT: ItemDraft = { file: null, barcode: '' };

/** The service's rule (docs/api.md): 4–128 letters, digits, dots, dashes or spaces once trimmed. */
const BARCODE = /^[A-Za-z0-9. -]{4,128}$/;

export function barcodeProblem(barcode: string): string | undefined {
  const trimmed = barcode.trim();
  if (!trimmed) return 'Enter the barcode number printed on the ticket.';
  if (trimmed.length < 4) return 'A barcode has at least 4 characters.';
  if (trimmed.length > 128) return 'A barcode has at most 128 characters.';
  if (!BARCODE.test(trimmed)) return 'Use only the letters, digits, dots, dashes and spaces printed under the barcode.';
  if (trimmed.replace(/[\s-]/g, '').length < 4) return 'A barcode has at least 4 letters or digits.';
  return undefined;
}

/**
 * What the page can tell before uploading: the barcode's shape, the file's size and its ends (a PDF starts with
 * "%PDF-" and ends with "%%EOF"). The service parses the whole document and decides.
 */
export async function draftProblems(draft: ItemDraft): Promise<ItemProblems> {
  const problems: ItemProblems = {};
  const barcode = barcodeProblem(draft.barcode);
  if (barcode) problems.barcode = barcode;
  if (draft.file) {
    if (draft.file.size === 0) problems.file = 'That file is empty.';
    else if (draft.file.size > MAX_PDF_BYTES) problems.file = `That file is ${megabytes(draft.file.size)}; a ticket PDF may be at most 2 MB.`;
    else if (!(await looksLikeWholePdf(draft.file))) problems.file = 'That file is not a PDF (or not all of one). Choose the ticket’s PDF, or remove it and give the barcode alone.';
  }
  return problems;
}

async function looksLikeWholePdf(file: File): Promise<boolean> {
  const text = async (blob: Blob) => new TextDecoder('latin1').decode(await blob.arrayBuffer());
  return (await text(file.slice(0, 5))) === '%PDF-' && (await text(file.slice(Math.max(0, file.size - 1024)))).includes('%%EOF');
}

export function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** PUT /api/tickets/:id/item: multipart (barcode first, then the file) with a PDF, JSON for a barcode alone. */
export function attachItem(ticketId: string, draft: ItemDraft): Promise<ApiResult<TicketItemReceipt>> {
  const path = `/api/tickets/${encodeURIComponent(ticketId)}/item`;
  const barcode = draft.barcode.trim();
  if (!draft.file) return api<TicketItemReceipt>('PUT', path, { barcode });
  const form = new FormData();
  form.append('barcode', barcode);
  form.append('file', draft.file, draft.file.name || 'ticket.pdf');
  return apiUpload<TicketItemReceipt>('PUT', path, form);
}

/** The barcode and whether a PDF exists, for the seller or (once delivered) the buyer. */
export function readItem(ticketId: string): Promise<ApiResult<TicketItem>> {
  return api<TicketItem>('GET', `/api/tickets/${encodeURIComponent(ticketId)}/item?format=json`);
}

export function itemPdfHref(ticketId: string): string {
  return `/api/tickets/${encodeURIComponent(ticketId)}/item`;
}

/** "Seat 11", or "Ticket 2" for general admission. */
export function ticketLabel(seat: string | null, index: number): string {
  return seat ? `Seat ${seat}` : `Ticket ${index + 1}`;
}
