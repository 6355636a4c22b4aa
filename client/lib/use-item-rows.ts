'use client';

import { useCallback, useRef, useState } from 'react';
import type { ApiFailure } from './api-types';
import { attachItem, draftProblems, EMPTY_DRAFT, type ItemDraft, type ItemProblems } from './ticket-items';

export type RowPhase = 'idle' | 'uploading' | 'attached' | 'failed';

/** One ticket's upload: what the seller entered, where it stands, and what is wrong with it (beside its input). */
export interface ItemRowState {
  draft: ItemDraft;
  phase: RowPhase;
  problems: ItemProblems & { other?: string };
}

const FRESH: ItemRowState = { draft: EMPTY_DRAFT, phase: 'idle', problems: {} };

/** The service's refusal, put beside the input at fault: its field when it names one, else by what the status means. */
function problemsFrom(failure: ApiFailure, draft: ItemDraft): ItemRowState['problems'] {
  const problems: ItemRowState['problems'] = {};
  for (const e of failure.errors) {
    const field = e.field === 'file' || e.field === 'barcode' ? e.field : failure.status === 413 && draft.file ? 'file' : failure.status === 409 && /barcode/i.test(e.message) ? 'barcode' : failure.status === 400 && draft.file && /pdf/i.test(e.message) ? 'file' : 'other';
    problems[field] = problems[field] ? `${problems[field]} ${e.message}` : e.message;
  }
  return problems;
}

/** Rows by position; uploads run one at a time (a seller's phone line, and a clear progress count). */
export function useItemRows() {
  const [rows, setRows] = useState<ItemRowState[]>([]);
  const latest = useRef(rows);
  latest.current = rows;

  const setRow = useCallback((index: number, next: (row: ItemRowState) => ItemRowState) => {
    setRows((current) => {
      const copy = current.slice();
      for (let i = copy.length; i <= index; i++) copy[i] = FRESH;
      copy[index] = next(copy[index] ?? FRESH);
      latest.current = copy;
      return copy;
    });
  }, []);

  /** An edit clears that row's messages (the next upload checks again). */
  const setDraft = useCallback((index: number, draft: ItemDraft) => setRow(index, (row) => ({ draft, phase: row.phase === 'attached' ? 'attached' : 'idle', problems: {} })), [setRow]);

  const row = (index: number): ItemRowState => rows[index] ?? FRESH;

  /** Checks every row first; true when none has a problem the page can see. */
  const check = useCallback(
    async (indexes: number[]): Promise<boolean> => {
      let fine = true;
      for (const index of indexes) {
        const current = latest.current[index] ?? FRESH;
        if (current.phase === 'attached') continue;
        const problems = await draftProblems(current.draft);
        if (problems.file || problems.barcode) {
          fine = false;
          setRow(index, (r) => ({ ...r, phase: 'failed', problems }));
        }
      }
      return fine;
    },
    [setRow],
  );

  /** Uploads the rows not yet attached; resolves with how many of `targets` are attached afterwards. */
  const upload = useCallback(
    async (targets: { index: number; ticketId: string }[], onProgress?: (done: number) => void): Promise<number> => {
      let attached = 0;
      for (const { index, ticketId } of targets) {
        const current = latest.current[index] ?? FRESH;
        if (current.phase === 'attached') {
          attached += 1;
          onProgress?.(attached);
          continue;
        }
        const problems = await draftProblems(current.draft);
        if (problems.file || problems.barcode) {
          setRow(index, (r) => ({ ...r, phase: 'failed', problems }));
          continue;
        }
        setRow(index, (r) => ({ ...r, phase: 'uploading', problems: {} }));
        const result = await attachItem(ticketId, current.draft);
        if (result.ok) {
          setRow(index, (r) => ({ ...r, phase: 'attached', problems: {} }));
          attached += 1;
          onProgress?.(attached);
        } else {
          setRow(index, (r) => ({ ...r, phase: 'failed', problems: problemsFrom(result, current.draft) }));
        }
      }
      return attached;
    },
    [setRow],
  );

  return { rows, row, setDraft, check, upload };
}
