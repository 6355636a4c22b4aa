import { Router, type Request } from 'express';
import { body } from 'express-validator';
import { isUuid, MAX_TICKETS_PER_LISTING, NotFoundError, requireAuth, userOf, validateRequest, ValidationError, type ErrorItem, type Pool } from '@ticketing/common';
import type { OrderRules } from '../config';
import { decodeOrderCursor, encodeOrderCursor, type OrderCursor } from '../domain/order-cursor';
import { cancelOrder, getOrder, listOrders } from '../domain/orders';
import { placeOrder } from '../domain/place-order';
import { orderJson } from './order-json';

export interface OrdersRoutesDeps {
  pool: Pool;
  rules: OrderRules;
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** docs/api.md: a path id that is not a UUID is answered 404. */
function orderIdOf(req: Request): string {
  const id = req.params.id;
  if (!isUuid(id)) throw new NotFoundError('Order not found');
  return id;
}

/** GET /api/orders' query: limit 1–100 (default 20) and a cursor this API returned. */
function pageOf(query: Record<string, unknown>): { limit: number; after?: OrderCursor } {
  const errors: ErrorItem[] = [];
  const page: { limit: number; after?: OrderCursor } = { limit: DEFAULT_PAGE_SIZE };
  if (query.limit !== undefined) {
    const n = typeof query.limit === 'string' && /^\+?[0-9]+$/.test(query.limit) ? Number(query.limit) : NaN;
    if (n >= 1 && n <= MAX_PAGE_SIZE) page.limit = n;
    else errors.push({ field: 'limit', message: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  if (query.cursor !== undefined) {
    const cursor = typeof query.cursor === 'string' ? decodeOrderCursor(query.cursor) : null;
    if (cursor) page.after = cursor;
    else errors.push({ field: 'cursor', message: 'cursor is not a cursor this API returned' });
  }
  if (errors.length) throw new ValidationError(errors);
  return page;
}

export function ordersRouter({ pool, rules }: OrdersRoutesDeps): Router {
  const router = Router();

  router.post(
    '/api/orders',
    requireAuth,
    body('listingId').custom(isUuid).withMessage('listingId must be a listing id (a UUID)'),
    body('quantity')
      .custom((v) => Number.isInteger(v) && v >= 1 && v <= MAX_TICKETS_PER_LISTING)
      .withMessage(`quantity must be a whole number of tickets from 1 to ${MAX_TICKETS_PER_LISTING}`),
    validateRequest,
    async (req, res) => {
      const order = await placeOrder(pool, rules, { buyerId: userOf(req).id, listingId: req.body.listingId as string, quantity: req.body.quantity as number });
      res.status(201).json(orderJson(order));
    },
  );

  router.get('/api/orders', requireAuth, async (req, res) => {
    const page = await listOrders(pool, userOf(req).id, pageOf(req.query));
    res.json({ orders: page.orders.map(orderJson), nextCursor: page.next ? encodeOrderCursor(page.next) : null });
  });

  // Public: the pages show the fees before anyone signs in. Declared before /:id, which would take "fees" for an id.
  router.get('/api/orders/fees', (_req, res) => {
    res.json({ buyerFeePercent: rules.fees.buyerFeePercent, sellerFeePercent: rules.fees.sellerFeePercent, rounding: 'half-up per order' });
  });

  router.get('/api/orders/:id', requireAuth, async (req, res) => {
    const order = await getOrder(pool, { userId: userOf(req).id, orderId: orderIdOf(req) });
    res.json(orderJson(order));
  });

  router.delete('/api/orders/:id', requireAuth, async (req, res) => {
    await cancelOrder(pool, { userId: userOf(req).id, orderId: orderIdOf(req) });
    res.status(204).end();
  });

  return router;
}
