import { ConflictError, ForbiddenError, NotFoundError, withTransaction, type Pool, type Queryable } from '@ticketing/common';
import { cancelExpiredOrders, cancelOrderIfIn, findOrder, listOrdersOfUser, type ExpiredScope, type OrderRow } from '../data/orders.data';
import type { OrderCursor } from './order-cursor';
import { recordOrderCancelled } from './order-events';

/** What routes answer with: the row as the domain returns it. */
export type { OrderRow } from '../data/orders.data';

/** A page of the caller's orders, newest first, with any hold that has run out shown (and recorded) as cancelled. */
export async function listOrders(pool: Pool, userId: string, page: { limit: number; after?: OrderCursor }): Promise<{ orders: OrderRow[]; next: OrderCursor | null }> {
  // One more than asked tells whether another page follows.
  const query = { limit: page.limit + 1, after: page.after };
  let orders = await listOrdersOfUser(pool, userId, query);
  if (orders.some(isPastExpiry)) {
    await withTransaction(pool, (tx) => cancelExpired(tx, { userId }));
    orders = await listOrdersOfUser(pool, userId, query);
    // The buyer-wide sweep skips orders another transaction holds (a concurrent read's sweep, the expiration consumer):
    // wait for each of those on its own, one lock per transaction, so the page never shows a lapsed hold as holding.
    const stillShown = orders.filter(isPastExpiry);
    for (const order of stillShown) await withTransaction(pool, (tx) => cancelExpired(tx, { orderId: order.id }));
    if (stillShown.length) orders = await listOrdersOfUser(pool, userId, query);
  }
  const shown = orders.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return { orders: shown, next: orders.length > page.limit && last ? { createdAtMicros: last.createdAtMicros, id: last.id } : null };
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
    // A hold already past its expiry lapsed: it is recorded as expired, not as the buyer's cancellation.
    await cancelExpired(tx, { orderId: req.orderId });
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

/** Cancels (reason expired, with order.cancelled) every hold in scope that ran out. */
export async function cancelExpired(tx: Queryable, scope: ExpiredScope): Promise<void> {
  for (const expired of await cancelExpiredOrders(tx, scope)) await recordOrderCancelled(tx, expired);
}

function isPastExpiry(order: OrderRow): boolean {
  return order.status === 'created' && order.expiresAt.getTime() <= Date.now();
}

function assertOwner(order: OrderRow | undefined, userId: string): asserts order is OrderRow {
  if (!order) throw new NotFoundError('Order not found');
  if (order.userId !== userId) throw new ForbiddenError('This order belongs to someone else');
}
