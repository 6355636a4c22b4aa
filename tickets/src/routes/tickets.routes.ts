import { Router, type Request, type RequestHandler } from 'express';
import { body, matchedData } from 'express-validator';
import { BadRequestError, MAX_PRICE, NotFoundError, isUuid, parsePriceToCents, requireAuth, userOf, validateRequest, type Pool } from '@ticketing/common';
import { createTicket, findTickets, getTicket, updateTicket } from '../domain/tickets.domain';
import { encodeCursor } from '../domain/ticket-cursor';
import { toTicketResponse } from './ticket-response';
import { TITLE_MAX_LENGTH, parseTicketListQuery, type TicketListRequest } from './ticket-list-query';
import type { FirstPageCache } from './first-page-cache';

const PRICE_MESSAGE = `price must be a number greater than 0, at most ${MAX_PRICE}, with at most two decimal places`;
const TITLE_MESSAGE = `title must be text of 1 to ${TITLE_MAX_LENGTH} characters`;

const title = () =>
  body('title').isString().withMessage(TITLE_MESSAGE).bail().trim().isLength({ min: 1, max: TITLE_MAX_LENGTH }).withMessage(TITLE_MESSAGE);
const price = () => body('price').custom((v) => parsePriceToCents(v) !== null).withMessage(PRICE_MESSAGE);

const requireSomeChange: RequestHandler = (req, _res, next) => {
  const b = req.body as Record<string, unknown> | undefined;
  if (b?.title === undefined && b?.price === undefined) throw new BadRequestError('Send title or price (or both) to change');
  next();
};

/** Path ids that are not UUIDs are answered 404 (docs/api.md), before anything else looks at them. */
const ticketIdParam: RequestHandler = (req, _res, next) => {
  if (!isUuid(req.params.id)) throw new NotFoundError('Ticket not found');
  next();
};

const isFirstPageForAll = (req: Request, list: TicketListRequest): boolean =>
  !req.currentUser && list.search === undefined && list.sellerId === undefined && list.cursor === undefined;

export function ticketsRouter(deps: { pool: Pool; firstPageCache?: FirstPageCache }): Router {
  const { pool, firstPageCache } = deps;
  const router = Router();
  const listingBody = async (list: TicketListRequest): Promise<string> => {
    const page = await findTickets(pool, list);
    return JSON.stringify({ tickets: page.tickets.map(toTicketResponse), nextCursor: page.next ? encodeCursor(page.next) : null });
  };
  // After the change committed, so a request that follows it reads it.
  const changed = <T>(result: T): T => {
    firstPageCache?.invalidate();
    return result;
  };

  router.get('/api/tickets', async (req, res) => {
    const list = parseTicketListQuery(req.query);
    const body =
      firstPageCache && isFirstPageForAll(req, list) ? await firstPageCache.page(list.limit, () => listingBody(list)) : await listingBody(list);
    res.type('application/json').send(body);
  });

  router.get('/api/tickets/:id', ticketIdParam, async (req, res) => {
    res.json(toTicketResponse(await getTicket(pool, req.params.id as string)));
  });

  router.post('/api/tickets', requireAuth, title(), price(), validateRequest, async (req, res) => {
    const input = matchedData<{ title: string; price: number }>(req, { locations: ['body'] });
    const ticket = changed(
      await createTicket(pool, { title: input.title, priceCents: parsePriceToCents(input.price)!, userId: userOf(req).id }),
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
      const ticket = changed(await updateTicket(pool, req.params.id as string, userOf(req).id, changes));
      res.json(toTicketResponse(ticket));
    },
  );

  return router;
}
