import { writeOutbox, type Queryable, type TicketCreatedEvent, type TicketUpdatedEvent } from '@ticketing/common';
import type { TicketRow } from '../data/tickets.data';

/** Every change to a ticket is announced in the transaction that makes it (docs/design.md invariant 4). */

export function ticketCreatedPayload(t: TicketRow): TicketCreatedEvent {
  return { id: t.id, version: t.version, title: t.title, priceCents: t.priceCents, userId: t.userId };
}

export function ticketUpdatedPayload(t: TicketRow): TicketUpdatedEvent {
  return { ...ticketCreatedPayload(t), orderId: t.orderId, status: t.status };
}

export function recordTicketCreated(tx: Queryable, t: TicketRow): Promise<string> {
  return writeOutbox(tx, 'ticket.created', ticketCreatedPayload(t));
}

export function recordTicketUpdated(tx: Queryable, t: TicketRow): Promise<string> {
  return writeOutbox(tx, 'ticket.updated', ticketUpdatedPayload(t));
}
