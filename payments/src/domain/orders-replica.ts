import { RetryLaterError, type Logger, type OrderCreatedEvent, type OrderStatus, type Queryable } from '@ticketing/common';
import { findOrderVersion, insertOrder, updateOrderStatusAtVersion } from '../data/orders.data';

export type ReplicaOutcome = 'applied' | 'stale';

/**
 * How long an early event waits before its n-th redelivery: its predecessor is normally a moment behind it (0.5 s), but
 * a replica killed while holding it keeps it for the consumer's ack wait (30 s) first. Doubling up to 30 s, the
 * consumer's 30 deliveries span about 12 minutes instead of 15 s.
 */
export function earlyEventRetryMs(deliveryCount: number): number {
  return Math.min(500 * 2 ** Math.max(0, deliveryCount - 1), 30_000);
}

/**
 * order.created: the order as it was created (version 0), with the total the buyer will be charged. A v1 message
 * (one ticket) reaches here already upcast by the contract: a one-ticket order at its price, no fees.
 */
export async function applyOrderCreated(db: Queryable, e: OrderCreatedEvent, logger: Logger): Promise<ReplicaOutcome> {
  const inserted = await insertOrder(db, {
    id: e.id,
    version: e.version,
    userId: e.userId,
    listingId: e.listingId,
    eventId: e.eventId,
    sellerId: e.sellerId,
    quantity: e.quantity,
    unitPriceCents: e.unitPriceCents,
    buyerFeeCents: e.buyerFeeCents,
    sellerFeeCents: e.sellerFeeCents,
    totalCents: e.totalCents,
    status: e.status,
    expiresAt: new Date(e.expiresAt),
  });
  if (!inserted) logger.debug({ orderId: e.id }, 'order already in the replica; order.created ignored');
  return inserted ? 'applied' : 'stale';
}

/**
 * order.cancelled / order.completed: applies version n only on top of n - 1 (docs/design.md invariant 5). Early (the replica
 * is behind, or has not seen the order yet) → RetryLaterError, so the event is redelivered, never dropped; stale or
 * duplicate (the replica is already at n or later) → ignored.
 */
export async function applyOrderStatusChange(
  db: Queryable,
  change: { id: string; version: number; status: OrderStatus },
  logger: Logger,
  deliveryCount = 1,
): Promise<ReplicaOutcome> {
  if (await updateOrderStatusAtVersion(db, change.id, change.version, change.status)) return 'applied';
  // Stale only when version n (or later) is stored. At n-1 the UPDATE lost a race: it cannot see the order.created
  // insert still in flight in another replica, which committed before this read (test/orders-replica.race.test.ts).
  const current = await findOrderVersion(db, change.id);
  if (current === null || current < change.version) {
    throw new RetryLaterError(`order ${change.id} version ${change.version} arrived before version ${change.version - 1} (replica at ${current ?? 'none'})`, earlyEventRetryMs(deliveryCount));
  }
  logger.debug({ orderId: change.id, version: change.version, replicaVersion: current }, 'stale or duplicate order event ignored');
  return 'stale';
}
