import type { Logger, Pool, Queryable } from '@ticketing/common';
import { findCatalogEvent, withTransaction } from '@ticketing/common';
import { claimMissedDeliveries, insertDelivery, lockDelivery, markDelivered, moveDeadlinesOfEvent, type DeliveryRow } from '../data/deliveries.data';
import type { ListingRow } from '../data/listings.data';
import { allHaveItems, markTicketsDelivered } from '../data/tickets.data';
import { recordDeliveryCompleted, recordDeliveryMissed, recordDeliveryScheduled } from './delivery-events';

/** How delivery deadlines are set (config DELIVERY_CUTOFF_HOURS). */
export interface DeliveryRules {
  cutoffHours: number;
}

export const DEADLINE_PASSED = 'The delivery deadline has passed; the order was refunded';
export const EVENT_CANCELLED = 'The event is cancelled; the order was refunded';

/** Items are due `cutoffHours` before the event starts. */
export function deliveryDeadline(startsAt: Date, rules: DeliveryRules): Date {
  return new Date(startsAt.getTime() - rules.cutoffHours * 3_600_000);
}

/**
 * order.completed, after its tickets were sold to it (the caller holds the listing's lock): delivered at once when
 * every ticket already has its item (always, for an instant listing), else a pending delivery with its deadline.
 * A repeated completion finds the row and publishes nothing.
 */
export async function startDelivery(tx: Queryable, listing: ListingRow, orderId: string, ticketIds: string[], rules: DeliveryRules, logger: Logger): Promise<void> {
  if (!ticketIds.length) return;
  const event = await findCatalogEvent(tx, listing.eventId);
  // Tickets only lists events its replica knows; should one vanish, deliver by the order's time rather than block it.
  if (!event) logger.error({ listingId: listing.id, eventId: listing.eventId }, 'order.completed for a listing whose event the replica lacks; deadline = now');
  const deadline = event ? deliveryDeadline(event.startsAt, rules) : new Date();
  const now = new Date();
  // Paid before orders heard of the cancellation: orders cancels the order (event_cancelled), so nothing is delivered.
  if (event?.status === 'cancelled') {
    await insertDelivery(tx, { orderId, listingId: listing.id, ticketIds, deadline, deliveredAt: null, cancelledAt: now });
    return;
  }
  const ready = await allHaveItems(tx, ticketIds);
  const facts = { orderId, listingId: listing.id, ticketIds, method: listing.delivery };
  if (!(await insertDelivery(tx, { ...facts, deadline, deliveredAt: ready ? now : null }))) return;
  if (ready) {
    await markTicketsDelivered(tx, ticketIds, now);
    await recordDeliveryCompleted(tx, facts, now);
  } else {
    await recordDeliveryScheduled(tx, facts, deadline);
  }
}

export type PendingDeliveryCheck = { state: 'none' } | { state: 'open'; delivery: DeliveryRow } | { state: 'closed'; reason: string };

/**
 * For an upload to a sold ticket: its order's delivery, locked (the sweeper skips it meanwhile, or has already
 * decided). Missed, or pending past its deadline (the sweeper's next pass marks it) → closed.
 */
export async function lockPendingDelivery(tx: Queryable, orderId: string, now: Date): Promise<PendingDeliveryCheck> {
  const delivery = await lockDelivery(tx, orderId);
  if (!delivery) return { state: 'none' };
  if (delivery.status === 'missed' || (delivery.status === 'pending' && delivery.deadline <= now)) return { state: 'closed', reason: DEADLINE_PASSED };
  if (delivery.status === 'cancelled') return { state: 'closed', reason: EVENT_CANCELLED };
  if (delivery.status === 'delivered') return { state: 'closed', reason: 'The tickets of this order are already delivered' };
  return { state: 'open', delivery };
}

/** After an upload under the delivery's lock: delivered once every ticket of the order has its item. */
export async function completeIfReady(tx: Queryable, delivery: DeliveryRow, now: Date): Promise<boolean> {
  if (!(await allHaveItems(tx, delivery.ticketIds))) return false;
  if (!(await markDelivered(tx, delivery.orderId, now))) return false;
  await markTicketsDelivered(tx, delivery.ticketIds, now);
  await recordDeliveryCompleted(tx, delivery, now);
  return true;
}

/** One batch of missed deliveries, marked and announced in one transaction; returns how many. */
export function sweepMissedDeliveries(pool: Pool, batchSize: number, now = new Date()): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const missed = await claimMissedDeliveries(tx, now, batchSize);
    for (const d of missed) await recordDeliveryMissed(tx, d, d.deadline);
    return missed.length;
  });
}

/**
 * The event's start moved (event.updated): pending deliveries of its listings follow, and orders hears the new
 * deadline (delivery.scheduled again). Delivered and missed ones are decided and stay so.
 */
export async function followEventStart(tx: Queryable, eventId: string, startsAt: Date, rules: DeliveryRules): Promise<number> {
  const deadline = deliveryDeadline(startsAt, rules);
  const moved = await moveDeadlinesOfEvent(tx, eventId, deadline);
  for (const d of moved) await recordDeliveryScheduled(tx, d, deadline);
  return moved.length;
}
