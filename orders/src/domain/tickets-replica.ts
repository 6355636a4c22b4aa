import type { Queryable, TicketCreatedEvent, TicketUpdatedEvent } from '@ticketing/common';
import { findTicket, insertTicket, updateTicketIfNext } from '../data/tickets.data';

/**
 * The tickets replica applies a listing's versions strictly in order (invariant 5):
 * - applied: this version was the next one and is now stored;
 * - stale:   this version (or a later one) is already stored: a duplicate or an old event, safe to acknowledge;
 * - early:   an earlier version has not arrived yet: retry later, never drop it.
 */
export type ReplicaOutcome = 'applied' | 'stale' | 'early';

export async function applyTicketCreated(tx: Queryable, e: TicketCreatedEvent): Promise<ReplicaOutcome> {
  const inserted = await insertTicket(tx, { id: e.id, title: e.title, priceCents: e.priceCents, userId: e.userId, version: e.version });
  return inserted ? 'applied' : 'stale';
}

export async function applyTicketUpdated(tx: Queryable, e: TicketUpdatedEvent): Promise<ReplicaOutcome> {
  const row = { id: e.id, title: e.title, priceCents: e.priceCents, userId: e.userId, version: e.version };
  if (await updateTicketIfNext(tx, row)) return 'applied';
  // Stale only when this version (or a later one) is stored. At n-1 the UPDATE lost a race: it cannot see a write to
  // n-1 still in flight in another replica, which committed before this read (test/tickets-replica.race.test.ts).
  const current = await findTicket(tx, e.id);
  return !current || current.version < e.version ? 'early' : 'stale';
}
