import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  isPgError,
  NotFoundError,
  PG_UNIQUE_VIOLATION,
  withTransaction,
  type Pool,
  type Queryable,
} from '@ticketing/common';
import { randomUUID } from 'node:crypto';
import { findTicket } from '../data/tickets.data';
import {
  cancelExpiredOrders,
  cancelOrderIfIn,
  findOrder,
  insertOrder,
  listOrdersOfUser,
  ONE_ACTIVE_ORDER_PER_TICKET,
  type ExpiredScope,
  type OrderRow,
} from '../data/orders.data';
import { recordOrderCancelled, recordOrderCreated } from './order-events';

/** What routes answer with: the row as the domain returns it. */
export type { OrderRow } from '../data/orders.data';

/**
 * Buying holds a ticket. Exclusivity is the database's job (a partial unique index), never a read-then-write here:
 * whichever insert commits first wins and every other buyer's insert fails with a unique violation → 409.
 */
export async function placeOrder(pool: Pool, req: { buyerId: string; ticketId: string; holdSeconds: number }): Promise<OrderRow> {
  return withTransaction(pool, async (tx) => {
    const ticket = await findTicket(tx, req.ticketId);
    if (!ticket) throw new NotFoundError('Ticket not found (a ticket listed moments ago can take a moment to become orderable)');
    if (ticket.userId === req.buyerId) throw new BadRequestError('You cannot order your own ticket', 'ticketId');
    // A hold past its expiry ends here, in the transaction that takes the ticket, so the ticket is orderable again
    // on time even when the expiration service is late or down (invariant 2).
    await cancelExpired(tx, { ticketId: ticket.id });
    try {
      const order = await insertOrder(tx, {
        id: randomUUID(),
        userId: req.buyerId,
        ticketId: ticket.id,
        priceCents: ticket.priceCents,
        holdSeconds: req.holdSeconds,
      });
      await recordOrderCreated(tx, order);
      return order;
    } catch (err) {
      if (isPgError(err, PG_UNIQUE_VIOLATION, ONE_ACTIVE_ORDER_PER_TICKET)) {
        throw new ConflictError('This ticket is held by another order or already sold', 'ticketId');
      }
      throw err;
    }
  });
}

/** The caller's orders, newest first, with any hold that has run out shown (and recorded) as cancelled. */
export async function listOrders(pool: Pool, userId: string): Promise<OrderRow[]> {
  const orders = await listOrdersOfUser(pool, userId);
  if (!orders.some(isPastExpiry)) return orders;
  await withTransaction(pool, (tx) => cancelExpired(tx, { userId }));
  return listOrdersOfUser(pool, userId);
}

/** One of the caller's orders; a hold that has run out is cancelled (with its event) before it is shown. */
export async function getOrder(pool: Pool, req: { userId: string; orderId: string }): Promise<OrderRow> {
  const order = await findOrder(pool, req.orderId);
  assertOwner(order, req.userId);
  if (!isPastExpiry(order)) return order;
  await withTransaction(pool, (tx) => cancelExpired(tx, { orderId: order.id }));
  return (await findOrder(pool, order.id))!;
}

/** The buyer gives up the hold. Cancelling an already cancelled order changes nothing and publishes nothing. */
export async function cancelOrder(pool: Pool, req: { userId: string; orderId: string }): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const cancelled = await cancelOrderIfIn(tx, req.orderId, ['created', 'awaiting:payment'], 'cancelled', req.userId);
    if (cancelled) {
      await recordOrderCancelled(tx, cancelled);
      return;
    }
    // Nothing changed: say why (unknown, someone else's, complete); an already cancelled order is fine.
    const order = await findOrder(tx, req.orderId);
    assertOwner(order, req.userId);
    if (order.status === 'complete') throw new ConflictError('This order is paid and complete; it cannot be cancelled');
  });
}

/** expiration.completed: the hold ran out. Only a still-`created` order is cancelled; paid or cancelled ones stay. */
export async function expireOrder(tx: Queryable, orderId: string): Promise<OrderRow | undefined> {
  const cancelled = await cancelOrderIfIn(tx, orderId, ['created'], 'expired');
  if (cancelled) await recordOrderCancelled(tx, cancelled);
  return cancelled;
}

function isPastExpiry(order: OrderRow): boolean {
  return order.status === 'created' && order.expiresAt.getTime() <= Date.now();
}

async function cancelExpired(tx: Queryable, scope: ExpiredScope): Promise<void> {
  for (const expired of await cancelExpiredOrders(tx, scope)) await recordOrderCancelled(tx, expired);
}

function assertOwner(order: OrderRow | undefined, userId: string): asserts order is OrderRow {
  if (!order) throw new NotFoundError('Order not found');
  if (order.userId !== userId) throw new ForbiddenError('This order belongs to someone else');
}
