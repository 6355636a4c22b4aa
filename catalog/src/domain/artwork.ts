import { NotFoundError, withTransaction, type Pool, type Queryable } from '@ticketing/common';
import {
  ARTWORK_SIZE_NAMES,
  deleteArtworkFiles,
  findArtworkFile,
  saveArtworkFiles,
  type ArtworkFile,
  type ArtworkSize,
  type ArtworkVersions,
} from '../data/artwork.data';
import { findEvent, findEventWithSummary, setArtworkIfOpen, type EventWithSummary } from '../data/events.data';
import { renderArtwork } from './artwork-renditions';
import { recordEventUpdated } from './catalog-events';
import { refuseClosed } from './refuse-closed';

export { ARTWORK_SIZE_NAMES, type ArtworkFile, type ArtworkSize } from '../data/artwork.data';

export function isArtworkSize(size: unknown): size is ArtworkSize {
  return (ARTWORK_SIZE_NAMES as readonly unknown[]).includes(size);
}

/**
 * An admin gives an event its artwork (replacing any it had): the upload is decoded and rendered first, outside the
 * transaction; then the guarded UPDATE (version + 1), the files and event.updated commit together or not at all.
 * Like an edit: 404 unknown, 409 cancelled or over. Those are checked before the rendering too, only so that a
 * closed event costs no decoding: the guarded UPDATE still decides.
 */
export async function setArtwork(pool: Pool, eventId: string, upload: Buffer): Promise<EventWithSummary> {
  refuseClosed(await findEvent(pool, eventId), 'edited');
  const files = await renderArtwork(upload);
  const versions = Object.fromEntries(files.map((f) => [f.size, f.etag])) as ArtworkVersions;
  return withTransaction(pool, async (tx) => {
    const updated = await setArtworkIfOpen(tx, eventId, versions);
    if (!updated) {
      refuseClosed(await findEvent(tx, eventId), 'edited');
      throw new Error(`event ${eventId} is scheduled and not over, yet the guarded artwork update matched nothing`);
    }
    await saveArtworkFiles(tx, eventId, files);
    await recordEventUpdated(tx, updated);
    return (await findEventWithSummary(tx, eventId))!;
  });
}

/** An admin takes the artwork away (pages show the category's placeholder again); 404 when it has none. */
export async function removeArtwork(pool: Pool, eventId: string): Promise<EventWithSummary> {
  return withTransaction(pool, async (tx) => {
    const updated = await setArtworkIfOpen(tx, eventId, null);
    if (!updated) {
      refuseClosed(await findEvent(tx, eventId), 'edited');
      throw new NotFoundError('The event has no artwork');
    }
    await deleteArtworkFiles(tx, eventId);
    await recordEventUpdated(tx, updated);
    return (await findEventWithSummary(tx, eventId))!;
  });
}

/** One size of an event's artwork, whatever the event's status (cancelled and past events keep theirs). */
export async function getArtworkFile(db: Queryable, eventId: string, size: ArtworkSize): Promise<ArtworkFile> {
  const file = await findArtworkFile(db, eventId, size);
  if (!file) throw new NotFoundError('The event has no artwork');
  return file;
}
