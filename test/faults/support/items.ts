import { randomBytes } from 'node:crypto';

// What sellers attach to their tickets: a barcode unique to the run, sometimes printed on a small real PDF (tickets
// parses every upload, so this is a whole document with a page, a font, a content stream and a correct xref table).

let issued = 0;

/** A barcode no other ticket of this run carries; some are spelled with dashes or spaces, as printed tickets are. */
export function newBarcode(): string {
  issued++;
  const code = `${randomBytes(6).toString('hex').toUpperCase()}${String(issued).padStart(5, '0')}`;
  const style = issued % 3;
  if (style === 0) return code;
  if (style === 1) return `${code.slice(0, 6)}-${code.slice(6, 12)}-${code.slice(12)}`;
  return `${code.slice(0, 8)} ${code.slice(8)}`.toLowerCase();
}

/**
 * Another spelling of the same barcode (tickets normalises by dropping spaces and dashes and upper-casing before it
 * fingerprints): a fraudster's copy does not get through by changing the case or the grouping.
 */
export function respell(barcode: string): string {
  const plain = barcode.replace(/[\s-]/g, '');
  return plain.length % 2 ? plain.toLowerCase() : `${plain.slice(0, 4)} ${plain.slice(4)}`.toUpperCase();
}

/** A one-page PDF with the barcode printed on it (~600 bytes). */
export function ticketPdf(barcode: string, seat: string | null): Buffer {
  const text = `Faults night admission ${seat ?? 'general'} barcode ${barcode}`.replace(/[()\\]/g, '');
  const stream = `BT /F1 14 Tf 40 760 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
