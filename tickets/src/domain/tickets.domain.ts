import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, withTransaction, type Pool } from '@ticketing/common';
import { findTicket, insertTicket, listTickets, updateFreeTicketOfSeller, type TicketRow } from '../data/tickets.data';
import { recordTicketCreated, recordTicketUpdated } from './ticket-events';
import type { TicketCursor } from './ticket-cursor';

export type { TicketRow } from '../data/tickets.data';

export interface NewTicket {
  title: string;
  priceCents: number;
  userId: string;
}

export interface TicketChanges {
  title?: string;
  priceCents?: number;
}

/** Lists a ticket and announces it (ticket.created) in one transaction. Version starts at 0. */
export function createTicket(pool: Pool, input: NewTicket): Promise<TicketRow> {
  return withTransaction(pool, async (tx) => {
    const ticket = await insertTicket(tx, { id: randomUUID(), ...input });
    await recordTicketCreated(tx, ticket);
    return ticket;
  });
}

export async function getTicket(pool: Pool, id: string): Promise<TicketRow> {
  const ticket = await findTicket(pool, id);
  if (!ticket) throw new NotFoundError('Ticket not found');
  return ticket;
}

/**
 * The seller's edit (invariants 3 and 9). The conditional UPDATE decides; only when it changed nothing do we look at
 * the row, and only to say why (404, 403, 409): the explanation may be a moment stale, the decision never is.
 */
export function updateTicket(pool: Pool, id: string, userId: string, changes: TicketChanges): Promise<TicketRow> {
  return withTransaction(pool, async (tx) => {
    const updated = await updateFreeTicketOfSeller(tx, id, userId, changes);
    if (updated) {
      await recordTicketUpdated(tx, updated);
      return updated;
    }
    const current = await findTicket(tx, id);
    if (!current) throw new NotFoundError('Ticket not found');
    if (current.userId !== userId) throw new ForbiddenError('Only the seller can edit this ticket');
    if (current.status === 'sold') throw new ConflictError('The ticket is sold and can no longer be edited');
    throw new ConflictError('The ticket is held by an order and cannot be edited until the hold ends');
  });
}

export interface TicketPage {
  tickets: TicketRow[];
  next: TicketCursor | null;
}

export async function findTickets(
  pool: Pool,
  q: { search?: string; sellerId?: string; limit: number; cursor?: TicketCursor },
): Promise<TicketPage> {
  const rows = await listTickets(pool, { search: q.search, sellerId: q.sellerId, limit: q.limit + 1, after: q.cursor });
  const tickets = rows.slice(0, q.limit);
  const last = tickets[tickets.length - 1];
  const next = rows.length > q.limit && last ? { createdAtMicros: last.createdAtMicros, id: last.id } : null;
  return { tickets, next };
}
