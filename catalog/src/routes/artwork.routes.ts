import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { BadRequestError, NotFoundError, PayloadTooLargeError, requireRole, type Pool, type RouteBodyMediaTypes } from '@ticketing/common';
import { getArtworkFile, isArtworkSize, removeArtwork, setArtwork } from '../domain/artwork';
import { ARTWORK_MAX_BYTES } from '../domain/artwork-renditions';
import { eventIdParam } from './event-id-param';
import { toEventResponse } from './event-response';

/** The upload's route takes multipart/form-data instead of JSON (createServiceApp's bodyMediaTypes). */
export const ARTWORK_UPLOAD: RouteBodyMediaTypes = { method: 'PUT', path: '/api/events/:id/artwork', types: ['multipart/form-data'] };

/** A URL that names the current version never changes: caches keep it for a year without asking again. */
const CACHE_FOR_GOOD = 'public, max-age=31536000, immutable';
/** Without the version (or with an old one) the bytes may change: caches keep them but ask each time (304). */
const CACHE_AND_REVALIDATE = 'public, no-cache';

const MAX_MB = ARTWORK_MAX_BYTES / (1024 * 1024);
const SEND_ONE_FILE = 'Send the image as multipart/form-data with one field, file';

// In memory: the upload is at most ARTWORK_MAX_BYTES, read once by the decoder and not kept.
const parseUpload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: ARTWORK_MAX_BYTES, files: 1, fields: 0, parts: 1 },
}).single('file');

/** multer, its refusals as the API's errors: too large 413, any other multipart fault 400 naming `file`. */
const readUpload: RequestHandler = (req, res, next) => {
  parseUpload(req, res, (err?: unknown) => {
    if (err === undefined) return next();
    if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') return next(new PayloadTooLargeError(`The image must be at most ${MAX_MB} MB`));
    if (err instanceof multer.MulterError) return next(new BadRequestError(SEND_ONE_FILE, 'file'));
    // busboy's own errors: a body that is not well-formed multipart (cut short, no boundary, broken part headers).
    next(new BadRequestError(`The body is not well-formed multipart/form-data. ${SEND_ONE_FILE}`, 'file'));
  });
};

const admin = requireRole('admin');

export function artworkRouter({ pool }: { pool: Pool }): Router {
  const router = Router();

  router.put(ARTWORK_UPLOAD.path, admin, eventIdParam, readUpload, async (req, res) => {
    if (!req.file) throw new BadRequestError(SEND_ONE_FILE, 'file');
    res.json(toEventResponse(await setArtwork(pool, req.params.id as string, req.file.buffer)));
  });

  router.delete('/api/events/:id/artwork', admin, eventIdParam, async (req, res) => {
    res.json(toEventResponse(await removeArtwork(pool, req.params.id as string)));
  });

  router.get('/api/events/:id/artwork/:size', eventIdParam, async (req, res) => {
    const { size } = req.params;
    if (!isArtworkSize(size)) throw new NotFoundError('No such artwork size: card or hero');
    const file = await getArtworkFile(pool, req.params.id as string, size);
    res.set({
      'Content-Type': file.contentType,
      ETag: `"${file.etag}"`,
      'Cache-Control': req.query.v === file.etag ? CACHE_FOR_GOOD : CACHE_AND_REVALIDATE,
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.send(file.bytes);
  });

  return router;
}
