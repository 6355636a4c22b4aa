'use client';

import { useState } from 'react';
import type { ApiFailure, CatalogEvent } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';
import { api } from '@/lib/browser-api';

/**
 * Cancelling is final (every paid order is refunded), so it takes two clicks: "Cancel event", then a confirmation
 * that names the event. The keyboard stays on the confirmation.
 */
export function CancelEventButton({ event, onCancelled }: { event: CatalogEvent; onCancelled: (cancelled: CatalogEvent) => void }) {
  const [stage, setStage] = useState<'idle' | 'confirm' | 'busy'>('idle');
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  async function cancel() {
    setStage('busy');
    const result = await api<CatalogEvent>('POST', `/api/events/${event.id}/cancel`);
    if (!result.ok) {
      setFailure(result);
      setStage('idle');
      return;
    }
    onCancelled(result.data);
  }

  return (
    <div className="cancel-event">
      {stage === 'idle' ? (
        <button type="button" className="button button-small button-danger-ghost" onClick={() => setStage('confirm')} aria-label={`Cancel event: ${event.name}`}>
          Cancel event
        </button>
      ) : (
        <div className="cancel-confirm" role="group" aria-label={`Cancel ${event.name}?`}>
          <button
            type="button"
            className="button button-small button-danger"
            onClick={cancel}
            disabled={stage === 'busy'}
            aria-busy={stage === 'busy'}
            autoFocus
          >
            {stage === 'busy' ? 'Cancelling…' : 'Yes, cancel it'}
          </button>
          <button type="button" className="button button-small button-ghost" onClick={() => setStage('idle')} disabled={stage === 'busy'}>
            Keep it
          </button>
        </div>
      )}
      {failure && (
        <p className="field-error" role="alert">
          {firstMessage(failure)}
        </p>
      )}
    </div>
  );
}
