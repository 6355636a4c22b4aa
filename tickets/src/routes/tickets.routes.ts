import { Router, type Request, type RequestHandler } from 'express';
import { body, matchedData, query } from 'express-validator';
import { BadRequestError, MAX_PRICE, NotFoundError, isUuid, parsePriceToCents, requireAuth, userOf, validateRequest, type Pool } from '@ticketing/common';
import { createTicket, findTickets, getTicket, updateTicket } from '../domain/tickets.domain';
import { decodeCursor, encodeCursor } from '../domain/ticket-cursor';
import { toTicketResponse } from './ticket-response';

export const TITLE_MAX_LENGTH = 200;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const PRICE_MESSAGE = `price must be a number greater than 0, at most ${MAX_PRICE}, with at most two decimal places`;
const TITLE_MESSAGE = `title must be text of 1 to ${TITLE_MAX_LENGTH} characters`;

const title = () =>
  body('title').isString().withMessage(TITLE_MESSAGE).bail().trim().isLength({ min: 1, max: TITLE_MAX_LENGTH }).withMessage(TITLE_MESSAGE);
const price = () => body('price').custom((v) => parsePriceToCents(v) !== null).withMessage(PRICE_MESSAGE);

const SELLER_MESSAGE = 'sellerId must be a user id (UUID)';
const LIMIT_MESSAGE = `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
const CURSOR_MESSAGE = 'cursor is not a cursor this API returned';
const SEARCH_MESSAGE = `q must be one piece of text of at most ${TITLE_MAX_LENGTH} characters`;

// isString first: a repeated parameter (?limit=1&limit=2) arrives as an array and must be refused, not half-read.
const listQuery = [
  query('q').optional().isString().withMessage(SEARCH_MESSAGE).bail().trim().isLength({ max: TITLE_MAX_LENGTH }).withMessage(SEARCH_MESSAGE),
  query('sellerId').optional().isString().withMessage(SELLER_MESSAGE).bail().isUUID().withMessage(SELLER_MESSAGE),
  query('limit').optional().isString().withMessage(LIMIT_MESSAGE).bail().isInt({ min: 1, max: MAX_PAGE_SIZE }).withMessage(LIMIT_MESSAGE).bail().toInt(),
  query('cursor').optional().isString().withMessage(CURSOR_MESSAGE).bail().custom((v: string) => decodeCursor(v) !== null).withMessage(CURSOR_MESSAGE),
];

const requireSomeChange: RequestHandler = (req, _res, next) => {
  const b = req.body as Record<string, unknown> | undefined;
  if (b?.title === undefined && b?.price === undefined) throw new BadRequestError('Send title or price (or both) to change');
  next();
};

/** Path ids that are not UUIDs are answered 404 (API.md), before anything else looks at them. */
const ticketIdParam: RequestHandler = (req, _res, next) => {
  if (!isUuid(req.params.id)) throw new NotFoundError('Ticket not found');
  next();
};

const requestIdOf = (req: Request): string | undefined => (req.id === undefined ? undefined : String(req.id));

export function ticketsRouter(deps: { pool: Pool }): Router {
  const { pool } = deps;
  const router = Router();

  router.get('/api/tickets', ...listQuery, validateRequest, async (req, res) => {
    const q = matchedData<{ q?: string; sellerId?: string; limit?: number; cursor?: string }>(req, { locations: ['query'] });
    const page = await findTickets(pool, {
      search: q.q || undefined,
      sellerId: q.sellerId,
      limit: q.limit ?? DEFAULT_PAGE_SIZE,
      cursor: q.cursor ? (decodeCursor(q.cursor) ?? undefined) : undefined,
    });
    res.json({ tickets: page.tickets.map(toTicketResponse), nextCursor: page.next ? encodeCursor(page.next) : null });
  });

  router.get('/api/tickets/:id', ticketIdParam, async (req, res) => {
    res.json(toTicketResponse(await getTicket(pool, req.params.id as string)));
  });

  router.post('/api/tickets', requireAuth, title(), price(), validateRequest, async (req, res) => {
    const input = matchedData<{ title: string; price: number }>(req, { locations: ['body'] });
    const ticket = await createTicket(
      pool,
      { title: input.title, priceCents: parsePriceToCents(input.price)!, userId: userOf(req).id },
      requestIdOf(req),
    );
    res.status(201).json(toTicketResponse(ticket));
  });

  router.put(
    '/api/tickets/:id',
    requireAuth,
    ticketIdParam,
    title().optional(),
    price().optional(),
    validateRequest,
    requireSomeChange,
    async (req, res) => {
      const input = matchedData<{ title?: string; price?: number }>(req, { locations: ['body'] });
      const changes = {
        title: input.title,
        priceCents: input.price === undefined ? undefined : parsePriceToCents(input.price)!,
      };
      const ticket = await updateTicket(pool, req.params.id as string, userOf(req).id, changes, requestIdOf(req));
      res.json(toTicketResponse(ticket));
    },
  );

  return router;
}
