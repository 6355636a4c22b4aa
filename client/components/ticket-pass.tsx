'use client';

import { useCallback, useEffect, useState } from 'react';
import type { ApiFailure, TicketItem } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';
import { itemPdfHref, readItem, ticketLabel } from '@/lib/ticket-items';

type Symbology = 'qrcode' | 'code128';

/** The barcode as an SVG image: the library loads only when a ticket is shown (it is large, and only this page needs it). */
async function barcodeImage(text: string, symbology: Symbology): Promise<string> {
  const { toSVG } = await import('bwip-js/browser');
  const svg = toSVG(symbology === 'qrcode' ? { bcid: 'qrcode', text } : { bcid: 'code128', text, height: 18, includetext: false });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

interface TicketPassProps {
  ticket: { id: string; seat: string | null };
  index: number;
  place: string;
}

/** One delivered ticket: seat, a code big enough to scan off a phone, the barcode's digits, and its PDF when it has one. */
export function TicketPass({ ticket, index, place }: TicketPassProps) {
  const [item, setItem] = useState<TicketItem | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [symbology, setSymbology] = useState<Symbology>('qrcode');
  const [image, setImage] = useState<string | null>(null);
  const label = ticketLabel(ticket.seat, index);

  const load = useCallback(async () => {
    setFailure(null);
    const result = await readItem(ticket.id);
    if (result.ok) setItem(result.data);
    else setFailure(result);
  }, [ticket.id]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (!item) return;
    let current = true;
    barcodeImage(item.barcode, symbology).then(
      (src) => current && setImage(src),
      () => current && setImage(null),
    );
    return () => {
      current = false;
    };
  }, [item, symbology]);

  return (
    <li className="pass" aria-label={label}>
      <div className="pass-head">
        <span className="pass-seat">{label}</span>
        <span className="pass-place">{place}</span>
      </div>
      {failure ? (
        <div className="alert alert-error" role="alert">
          <p>This ticket could not be loaded: {firstMessage(failure)}</p>
          <button type="button" className="button" onClick={load}>
            Try again
          </button>
        </div>
      ) : !item ? (
        <p className="muted">Loading the ticket…</p>
      ) : (
        <>
          <div className={`pass-code pass-code-${symbology}`}>
            {image && (
              // A data: URL of the SVG drawn here (an image, not markup: nothing in it can run).
              <img src={image} alt={`${symbology === 'qrcode' ? 'QR code' : 'Barcode'} of ticket ${item.barcode}`} />
            )}
          </div>
          <p className="pass-barcode" data-testid="ticket-barcode">
            {item.barcode}
          </p>
          <div className="pass-actions">
            {item.hasPdf && (
              <a className="button button-primary" href={itemPdfHref(ticket.id)} download>
                Download PDF
              </a>
            )}
            <button type="button" className="button button-ghost" onClick={() => setSymbology(symbology === 'qrcode' ? 'code128' : 'qrcode')}>
              {symbology === 'qrcode' ? 'Show as a bar code' : 'Show as a QR code'}
            </button>
          </div>
        </>
      )}
    </li>
  );
}
