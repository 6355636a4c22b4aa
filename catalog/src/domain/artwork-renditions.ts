import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { BadRequestError, PayloadTooLargeError } from '@ticketing/common';
import { ARTWORK_SIZE_NAMES, type ArtworkFile, type ArtworkSize } from '../data/artwork.data';

/** The largest upload taken (the route's multipart limit); the original is read once and not kept. */
export const ARTWORK_MAX_BYTES = 5 * 1024 * 1024;
/**
 * A few MB of PNG can declare a huge canvas that takes gigabytes to decode; 50 megapixels is more than a phone's
 * camera (8660 × 5773) and a few hundred MB of memory at most.
 */
export const ARTWORK_MAX_PIXELS = 50_000_000;

/** What the pages show: a card in lists (2× a 320 px card), the hero across an event's page; both 16:9. */
export const ARTWORK_SIZES: Record<ArtworkSize, { width: number; height: number }> = {
  card: { width: 640, height: 360 },
  hero: { width: 1600, height: 900 },
};

const WEBP_QUALITY = 80;
const FORMATS = 'PNG, JPEG, WebP, AVIF or GIF';

/** The formats taken, by what the decoder found in the bytes, whatever the file is called or claims to be. */
function isTakenFormat(meta: Metadata): boolean {
  if (meta.format === 'heif') return meta.compression === 'av1'; // AVIF; HEIC is not taken
  return meta.format === 'png' || meta.format === 'jpeg' || meta.format === 'webp' || meta.format === 'gif';
}

/** The ETag of a rendition: its content's hash, so the same image uploaded again keeps its URLs and caches. */
function etagOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 27);
}

/**
 * Decodes the upload and renders every size the pages use: upright (EXIF orientation applied), cropped to cover the
 * size from the centre, WebP, sRGB, with no metadata kept (sharp drops EXIF, GPS and the rest unless asked).
 * 400 for anything that does not decode as one of the formats taken, truncated or damaged files included; 413 for
 * a canvas over ARTWORK_MAX_PIXELS.
 */
export function renderArtwork(upload: Buffer): Promise<ArtworkFile[]> {
  return oneAtATime(() => render(upload));
}

// Decoding is the memory peak (a 48-megapixel RGBA PNG turned upright: ~100 MB above the process's own, measured;
// docs/services/catalog.md "Artwork"); one render at a time keeps two admins' uploads from adding theirs up.
let renderQueue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = renderQueue.then(work, work);
  renderQueue = run.catch(() => undefined);
  return run;
}

async function render(upload: Buffer): Promise<ArtworkFile[]> {
  const notAnImage = new BadRequestError(`The file is not an image: send a ${FORMATS}`, 'file');
  let meta: Metadata;
  try {
    meta = await sharp(upload).metadata();
  } catch {
    throw notAnImage;
  }
  if (!isTakenFormat(meta)) throw notAnImage;
  if (meta.width * meta.height > ARTWORK_MAX_PIXELS) {
    throw new PayloadTooLargeError(`The image is ${meta.width} × ${meta.height} pixels; at most ${ARTWORK_MAX_PIXELS / 1_000_000} megapixels are taken`);
  }
  // The header read above says little about the pixels: decoding them is what finds a truncated or damaged file.
  // failOn 'warning' (sharp's default, stated) refuses what the decoder had to patch up. The upload is decoded
  // once, to the largest size; every size is encoded from that (all are 16:9, so the crop is the same).
  const largest = ARTWORK_SIZES.hero;
  let pixels: { data: Buffer; info: sharp.OutputInfo };
  try {
    pixels = await sharp(upload, { failOn: 'warning', limitInputPixels: ARTWORK_MAX_PIXELS, autoOrient: true })
      .resize({ ...largest, fit: 'cover', position: 'centre' })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw new BadRequestError(`The file is not an image that can be decoded (it is truncated or damaged): send a whole ${FORMATS}`, 'file');
  }
  const { width, height, channels } = pixels.info;
  return Promise.all(
    ARTWORK_SIZE_NAMES.map(async (size) => {
      const bytes = await sharp(pixels.data, { raw: { width, height, channels } })
        .resize(ARTWORK_SIZES[size])
        .webp({ quality: WEBP_QUALITY })
        .toBuffer();
      return { size, contentType: 'image/webp', bytes, etag: etagOf(bytes) };
    }),
  );
}
