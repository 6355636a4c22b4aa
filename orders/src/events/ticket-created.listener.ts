import type { TicketCreatedEvent, TxEventContext } from '@ticketing/common';
import { applyTicketCreated } from '../domain/tickets-replica';

/** ticket.created → the listing enters the replica (at its version, 0); a duplicate changes nothing. */
export async function onTicketCreated(payload: TicketCreatedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyTicketCreated(ctx.tx, payload);
  ctx.logger.debug({ ticketId: payload.id, version: payload.version, outcome }, 'ticket.created handled');
}
