import { Router, type Request } from 'express';
import { body } from 'express-validator';
import { centsToPrice, isUuid, NotFoundError, requireAuth, userOf, validateRequest, type Pool } from '@ticketing/common';
import { cancelOrder, getOrder, listOrders, placeOrder } from '../domain/orders';
import type { OrderRow } from '../domain/orders';

export interface OrdersRoutesDeps {
  pool: Pool;
  /** How long a new order holds its ticket. */
  holdSeconds: number;
}

/** docs/api.md "orders": the public shape of an order. The price is the order's own, fixed when it was created. */
export function orderJson(o: OrderRow) {
  return {
    id: o.id,
    status: o.status,
    userId: o.userId,
    expiresAt: o.expiresAt.toISOString(),
    ticket: { id: o.ticketId, title: o.ticketTitle, price: centsToPrice(o.priceCents) },
    createdAt: o.createdAt.toISOString(),
  };
}

/** docs/api.md: a path id that is not a UUID is answered 404. */
function orderIdOf(req: Request): string {
  const id = req.params.id;
  if (!isUuid(id)) throw new NotFoundError('Order not found');
  return id;
}

export function ordersRouter({ pool, holdSeconds }: OrdersRoutesDeps): Router {
  const router = Router();

  router.post(
    '/api/orders',
    requireAuth,
    body('ticketId').custom(isUuid).withMessage('ticketId must be a ticket id (a UUID)'),
    validateRequest,
    async (req, res) => {
      const order = await placeOrder(pool, { buyerId: userOf(req).id, ticketId: req.body.ticketId as string, holdSeconds });
      res.status(201).json(orderJson(order));
    },
  );

  router.get('/api/orders', requireAuth, async (req, res) => {
    const orders = await listOrders(pool, userOf(req).id);
    res.json(orders.map(orderJson));
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
