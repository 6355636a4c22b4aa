import request from 'supertest';
import sharp from 'sharp';
import type { Express } from 'express';
import type { Queryable } from '@ticketing/common';
import { signedInAdmin } from '@ticketing/common/testing';

/** Images made here with sharp itself: nothing is read from disk. */

const RED = { r: 220, g: 20, b: 20 };
const BLUE = { r: 20, g: 20, b: 220 };

export function plainImage(width: number, height: number, colour = RED) {
  return sharp({ create: { width, height, channels: 3, background: colour } });
}

/** Pixels that do not compress: its IDAT is long, so cutting the file short cuts into the image data. */
export function noisyImage(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: RED, noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
}

/**
 * A JPEG stored landscape (600 × 300: left half red, right half blue) whose EXIF Orientation 6 says "turn 90°
 * clockwise to show": upright it is portrait, red on top and blue below. Also carries an artist's name in EXIF.
 */
export function sidewaysJpeg(): Promise<Buffer> {
  return plainImage(600, 300, RED)
    .composite([{ input: { create: { width: 300, height: 300, channels: 3, background: BLUE } }, left: 300, top: 0 }])
    .jpeg()
    .withExif({ IFD0: { Artist: 'Somebody Private' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export const isRed = (p: number[]) => p[0]! > 150 && p[2]! < 90;
export const isBlue = (p: number[]) => p[2]! > 150 && p[0]! < 90;

/** The RGB of one pixel of an image. */
export async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

export interface Upload {
  bytes: Buffer;
  filename?: string;
  contentType?: string;
}

/** PUT /api/events/:id/artwork as a browser's form sends it: the image as the field `file`. */
export function uploadArtwork(app: Express, eventId: string, file: Upload, cookie: string | null = signedInAdmin().cookie) {
  const req = request(app).put(`/api/events/${eventId}/artwork`);
  if (cookie) req.set('Cookie', cookie);
  return req.attach('file', file.bytes, { filename: file.filename ?? 'poster.png', contentType: file.contentType ?? 'image/png' });
}

/** What catalog stored for the event: its version and artwork versions, and the files, by size. */
export async function storedArtwork(db: Queryable, eventId: string) {
  const event = (await db.query('SELECT version, artwork FROM events WHERE id = $1', [eventId])).rows[0];
  const { rows } = await db.query<{ size: string; contentType: string; bytes: Buffer; etag: string }>(
    `SELECT size, content_type AS "contentType", bytes, etag FROM event_artwork WHERE event_id = $1 ORDER BY size`,
    [eventId],
  );
  return { version: event?.version as number, artwork: event?.artwork as { card: string; hero: string } | null, files: rows };
}
