'use client';

import type { DeliveryMethod } from '@/lib/api-types';
import type { ItemDraft } from '@/lib/ticket-items';
import type { ItemRowState } from '@/lib/use-item-rows';
import { ItemRow } from '../delivery/item-row';

interface DeliveryStepProps {
  delivery: DeliveryMethod;
  onDelivery: (delivery: DeliveryMethod) => void;
  instantAllowed: boolean;
  /** One per ticket, in the listing's order: "Seat 11", or "Ticket 1" for general admission. */
  labels: string[];
  row: (index: number) => ItemRowState;
  onDraft: (index: number, draft: ItemDraft) => void;
  /** Once the listing exists its method is fixed; only the uploads still to do can change. */
  listed: boolean;
  error?: string;
}

/** Step 5: later (upload after a sale) or instant (every ticket's PDF and barcode, or barcode, now). */
export function DeliveryStep({ delivery, onDelivery, instantAllowed, labels, row, onDraft, listed, error }: DeliveryStepProps) {
  return (
    <fieldset className="card sell-step">
      <legend>5. Delivery</legend>
      <div className="choice-list" role="radiogroup" aria-label="Delivery">
        <label className="choice choice-explained">
          <input type="radio" name="delivery" value="later" checked={delivery === 'later'} disabled={listed} onChange={() => onDelivery('later')} />
          <span>
            <span className="choice-label">Later</span>
            <span className="choice-explanation">You upload the tickets after a sale, before the delivery deadline ahead of the event (My listings shows it); the buyer gets them then.</span>
          </span>
        </label>
        <label className="choice choice-explained">
          <input type="radio" name="delivery" value="instant" checked={delivery === 'instant'} disabled={!instantAllowed || listed} onChange={() => onDelivery('instant')} />
          <span>
            <span className="choice-label">Instant</span>
            <span className="choice-explanation">
              {instantAllowed
                ? 'Attach each ticket now: buyers get it the moment they pay. Your listing goes on sale once every ticket is attached.'
                : 'Not offered on this marketplace right now.'}
            </span>
          </span>
        </label>
      </div>
      {error && <p className="field-error">{error}</p>}
      {delivery === 'instant' && (
        <div className="item-rows" aria-label="Ticket files">
          <p className="muted small">
            For each ticket: its PDF with the barcode printed on it, and that barcode; or the barcode alone for a mobile ticket. A barcode can be on sale only once.
          </p>
          {labels.length === 0 ? (
            <p className="muted small">Enter your seats or the number of tickets above first.</p>
          ) : (
            labels.map((label, i) => <ItemRow key={i} idBase={`item-${i}`} label={label} row={row(i)} onDraft={(draft) => onDraft(i, draft)} />)
          )}
        </div>
      )}
    </fieldset>
  );
}
