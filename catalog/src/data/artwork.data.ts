import type { Queryable } from '@ticketing/common';

/** The sizes the pages show artwork at: a card in lists, the hero on an event's page. */
export const ARTWORK_SIZE_NAMES = ['card', 'hero'] as const;
export type ArtworkSize = (typeof ARTWORK_SIZE_NAMES)[number];

/** Each size's version (the ETag of its bytes), as the event row keeps it: the URLs carry it. */
export type ArtworkVersions = Record<ArtworkSize, string>;

/** One stored size of an event's artwork. */
export interface ArtworkFile {
  size: ArtworkSize;
  contentType: string;
  bytes: Buffer;
  etag: string;
}

/** Puts every size of the event's artwork in place of the ones it had, in the caller's transaction. */
export async function saveArtworkFiles(db: Queryable, eventId: string, files: ArtworkFile[]): Promise<void> {
  await db.query(
    `INSERT INTO event_artwork (event_id, size, content_type, bytes, etag)
     SELECT $1, f.size, f.content_type, f.bytes, f.etag FROM unnest($2::text[], $3::text[], $4::bytea[], $5::text[]) AS f(size, content_type, bytes, etag)
     ON CONFLICT (event_id, size) DO UPDATE SET content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes, etag = EXCLUDED.etag, updated_at = now()`,
    [eventId, files.map((f) => f.size), files.map((f) => f.contentType), files.map((f) => f.bytes), files.map((f) => f.etag)],
  );
}

export async function deleteArtworkFiles(db: Queryable, eventId: string): Promise<void> {
  await db.query('DELETE FROM event_artwork WHERE event_id = $1', [eventId]);
}

export async function findArtworkFile(db: Queryable, eventId: string, size: ArtworkSize): Promise<ArtworkFile | undefined> {
  const { rows } = await db.query<ArtworkFile>(
    `SELECT size, content_type AS "contentType", bytes, etag FROM event_artwork WHERE event_id = $1 AND size = $2`,
    [eventId, size],
  );
  return rows[0];
}
