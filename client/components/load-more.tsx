import type { ApiFailure } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';

/** The failure of the last page load, if any, and the button for the next page while there is one. */
export function LoadMore({ more, busy, failure, label }: { more: (() => void) | null; busy: boolean; failure: ApiFailure | null; label: string }) {
  return (
    <>
      {failure && (
        <p className="alert alert-error" role="alert">
          {firstMessage(failure)}
        </p>
      )}
      {more && (
        <div className="load-more">
          <button type="button" className="button" onClick={more} disabled={busy} aria-busy={busy}>
            {busy ? 'Loading…' : label}
          </button>
        </div>
      )}
    </>
  );
}
