import { Router, type RequestHandler } from 'express';
import {
  DeliveryMethod,
  MAX_TICKETS_PER_LISTING,
  NotFoundError,
  SplitRule,
  isUuid,
  requireAuth,
  userOf,
  validateRequest,
  type Pool,
} from '@ticketing/common';
import { encodeNewestCursor, encodePriceCursor } from '../domain/listing-cursor';
import {
  browseEventListings,
  createListing,
  editListing,
  getListing,
  sellerListings,
  withdrawListing,
  type ListingRules,
} from '../domain/listings.domain';
import { listingChangeChains, listingChangesOf, newListingChains, newListingOf } from './listing-input';
import { parseListingListQuery } from './listing-list-query';
import { toListingResponse } from './listing-response';

/** Path ids that are not UUIDs are answered 404 (docs/api.md), before anything else looks at them. */
const listingIdParam: RequestHandler = (req, _res, next) => {
  if (!isUuid(req.params.id)) throw new NotFoundError('Listing not found');
  next();
};

export function listingsRouter(deps: { pool: Pool; rules: ListingRules }): Router {
  const { pool, rules } = deps;
  const router = Router();

  router.get('/api/listings', async (req, res) => {
    const q = parseListingListQuery(req.query);
    const viewer = req.currentUser?.id;
    if ('eventId' in q) {
      const page = await browseEventListings(pool, q);
      res.json({ listings: page.listings.map((l) => toListingResponse(l, viewer)), nextCursor: page.next && encodePriceCursor(page.next) });
    } else {
      const page = await sellerListings(pool, q);
      res.json({ listings: page.listings.map((l) => toListingResponse(l, viewer)), nextCursor: page.next && encodeNewestCursor(page.next) });
    }
  });

  // Before /:id, which would answer it 404 (not a UUID).
  router.get('/api/listings/terms', (_req, res) => {
    res.json({
      maxMarkupPercent: rules.maxMarkupPercent,
      maxTicketsPerListing: MAX_TICKETS_PER_LISTING,
      splits: SplitRule.options,
      deliveries: DeliveryMethod.options,
    });
  });

  router.get('/api/listings/:id', listingIdParam, async (req, res) => {
    res.json(toListingResponse(await getListing(pool, req.params.id as string), req.currentUser?.id));
  });

  router.post('/api/listings', requireAuth, ...newListingChains, validateRequest, async (req, res) => {
    const seller = userOf(req).id;
    const view = await createListing(pool, newListingOf(req.body as Record<string, unknown>, seller), rules);
    res.status(201).json(toListingResponse(view, seller));
  });

  router.put('/api/listings/:id', requireAuth, listingIdParam, ...listingChangeChains, validateRequest, async (req, res) => {
    const seller = userOf(req).id;
    const changes = listingChangesOf(req.body as Record<string, unknown>);
    res.json(toListingResponse(await editListing(pool, req.params.id as string, seller, changes, rules), seller));
  });

  router.delete('/api/listings/:id', requireAuth, listingIdParam, async (req, res) => {
    await withdrawListing(pool, req.params.id as string, userOf(req).id);
    res.status(204).end();
  });

  return router;
}
