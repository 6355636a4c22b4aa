import type { RequestHandler } from 'express';
import { NotFoundError, isUuid } from '@ticketing/common';

/** Path ids that are not UUIDs are answered 404 (docs/api.md), before anything else looks at them. */
export const eventIdParam: RequestHandler = (req, _res, next) => {
  if (!isUuid(req.params.id)) throw new NotFoundError('Event not found');
  next();
};
