import { writeOutbox, type DeliveryMethod, type Queryable } from '@ticketing/common';

/**
 * What tickets tells orders about a completed order's delivery (stream DELIVERIES, aggregate delivery:<orderId>),
 * always in the transaction that decides it. Exactly one of completed / missed per order: both are written only by
 * a guarded change of the deliveries row from pending (or by its insertion as delivered).
 */
interface DeliveryFacts {
  orderId: string;
  listingId: string;
  ticketIds: string[];
  method: DeliveryMethod;
}

export async function recordDeliveryScheduled(tx: Queryable, d: DeliveryFacts, deadline: Date): Promise<void> {
  await writeOutbox(tx, 'delivery.scheduled', { ...facts(d), deadline: deadline.toISOString() });
}

export async function recordDeliveryCompleted(tx: Queryable, d: DeliveryFacts, deliveredAt: Date): Promise<void> {
  await writeOutbox(tx, 'delivery.completed', { ...facts(d), deliveredAt: deliveredAt.toISOString() });
}

export async function recordDeliveryMissed(tx: Queryable, d: DeliveryFacts, deadline: Date): Promise<void> {
  await writeOutbox(tx, 'delivery.missed', { ...facts(d), deadline: deadline.toISOString() });
}

const facts = (d: DeliveryFacts): DeliveryFacts => ({ orderId: d.orderId, listingId: d.listingId, ticketIds: d.ticketIds, method: d.method });
