'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import { megabytes, type ItemDraft } from '@/lib/ticket-items';
import type { ItemRowState } from '@/lib/use-item-rows';

interface ItemRowProps {
  /** Unique on the page: the inputs' ids derive from it. */
  idBase: string;
  /** "Seat 11": the group's name, so each row's inputs read "PDF ticket, Seat 11". */
  label: string;
  row: ItemRowState;
  onDraft: (draft: ItemDraft) => void;
  disabled?: boolean;
  /** Above the inputs: the delivery deadline, say. */
  note?: ReactNode;
  /** After the inputs: an upload button of its own (My listings). */
  action?: ReactNode;
}

const STATUS: Record<ItemRowState['phase'], string> = {
  idle: '',
  uploading: 'Uploading…',
  attached: 'Attached',
  failed: 'Not attached',
};

/** One ticket's PDF (optional) and barcode, with where its upload stands and what went wrong, beside the input at fault. */
export function ItemRow({ idBase, label, row, onDraft, disabled, note, action }: ItemRowProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const fileId = `${idBase}-file`;
  const barcodeId = `${idBase}-barcode`;
  const { draft, phase, problems } = row;
  const locked = disabled || phase === 'uploading' || phase === 'attached';

  // A removed file leaves the input too (its value can only be cleared, never set).
  useEffect(() => {
    if (!draft.file && fileInput.current) fileInput.current.value = '';
  }, [draft.file]);

  const described = (id: string, error?: string, hint?: boolean) => [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

  return (
    <fieldset className={`item-row item-row-${phase}`} aria-busy={phase === 'uploading'}>
      <legend className="item-row-label">
        {label}
        {STATUS[phase] && <span className={`item-row-status item-row-status-${phase}`}>{STATUS[phase]}</span>}
      </legend>
      {note}
      <div className="item-row-inputs">
        <div className={problems.file ? 'field field-invalid' : 'field'}>
          <label htmlFor={fileId}>PDF ticket (optional)</label>
          <input
            ref={fileInput}
            id={fileId}
            type="file"
            accept="application/pdf,.pdf"
            disabled={locked}
            aria-invalid={problems.file ? true : undefined}
            aria-describedby={described(fileId, problems.file, true)}
            onChange={(e) => onDraft({ ...draft, file: e.target.files?.[0] ?? null })}
          />
          <p id={`${fileId}-hint`} className="field-hint">
            {draft.file ? (
              <>
                {draft.file.name} · {megabytes(draft.file.size)}{' '}
                {!locked && (
                  <button type="button" className="link-button" onClick={() => onDraft({ ...draft, file: null })}>
                    Remove
                  </button>
                )}
              </>
            ) : (
              'The ticket as issued, with its barcode, at most 2 MB.'
            )}
          </p>
          {problems.file && (
            <p id={`${fileId}-error`} className="field-error">
              {problems.file}
            </p>
          )}
        </div>
        <div className={problems.barcode ? 'field field-invalid' : 'field'}>
          <label htmlFor={barcodeId}>Barcode</label>
          <input
            id={barcodeId}
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={140}
            value={draft.barcode}
            disabled={locked}
            aria-invalid={problems.barcode ? true : undefined}
            aria-describedby={described(barcodeId, problems.barcode, true)}
            onChange={(e) => onDraft({ ...draft, barcode: e.target.value })}
          />
          <p id={`${barcodeId}-hint`} className="field-hint">
            The number printed under the barcode.
          </p>
          {problems.barcode && (
            <p id={`${barcodeId}-error`} className="field-error">
              {problems.barcode}
            </p>
          )}
        </div>
      </div>
      {problems.other && (
        <p className="field-error" role="alert">
          {problems.other}
        </p>
      )}
      {action}
    </fieldset>
  );
}
