'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { ApiFailure, ApiResult, CatalogEvent } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';
import { api, apiUpload } from '@/lib/browser-api';
import { EventArtwork } from '../event-artwork';

/**
 * The event's image: upload one (the catalog checks it is an image by decoding it and makes the sizes the pages use)
 * or remove it, going back to the category's placeholder. The page reloads its event afterwards (a new version).
 */
export function ArtworkUpload({ event }: { event: CatalogEvent }) {
  const router = useRouter();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  function done(result: ApiResult<CatalogEvent>) {
    setBusy(false);
    if (!result.ok) {
      setFailure(result);
      return;
    }
    setFailure(null);
    router.refresh();
  }

  async function upload(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formElement = e.currentTarget;
    const form = new FormData(formElement);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) {
      setFailure({ ok: false, status: 400, errors: [{ message: 'Choose an image file first.', field: 'file' }] });
      return;
    }
    setBusy(true);
    const result = await apiUpload<CatalogEvent>('PUT', `/api/events/${event.id}/artwork`, form);
    if (result.ok) formElement.reset();
    done(result);
  }

  async function remove() {
    setBusy(true);
    done(await api<CatalogEvent>('DELETE', `/api/events/${event.id}/artwork`));
  }

  return (
    <section className="card artwork-upload" aria-labelledby="artwork-heading">
      <h2 id="artwork-heading">Image</h2>
      <div className="artwork-upload-body">
        <EventArtwork event={event} size="card" />
        <form onSubmit={upload} className="form" aria-busy={busy}>
          <div className={failure ? 'field field-invalid' : 'field'}>
            <label htmlFor="field-file">{event.artwork ? 'Replace the image' : 'Upload an image'}</label>
            <input
              id="field-file"
              name="file"
              type="file"
              accept="image/png,image/jpeg,image/webp,image/avif,image/gif"
              aria-invalid={failure ? true : undefined}
              aria-describedby={failure ? 'field-file-hint field-file-error' : 'field-file-hint'}
            />
            <p id="field-file-hint" className="field-hint">
              PNG, JPEG, WebP, AVIF or GIF, at most 5 MB. Shown cropped to 16:9; without one, the category’s design shows.
            </p>
            {failure && (
              <p id="field-file-error" className="field-error" role="alert">
                {firstMessage(failure)}
              </p>
            )}
          </div>
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Working…' : 'Upload image'}
            </button>
            {event.artwork && (
              <button type="button" className="button button-danger-ghost" onClick={remove} disabled={busy}>
                Remove image
              </button>
            )}
          </div>
        </form>
      </div>
    </section>
  );
}
