import { RetryLaterError, type TicketUpdatedEvent, type TxEventContext } from '@ticketing/common';
import { applyTicketUpdated } from '../domain/tickets-replica';

/** An early version usually has its predecessor right behind it on the wire: look again soon. */
export const EARLY_VERSION_RETRY_MS = 500;

/**
 * ticket.updated → applied only on top of the previous version (invariant 5). An early one is redelivered later
 * (never dropped); a stale or duplicate one is acknowledged and ignored.
 */
export async function onTicketUpdated(payload: TicketUpdatedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyTicketUpdated(ctx.tx, payload);
  if (outcome === 'early') {
    throw new RetryLaterError(`ticket ${payload.id} version ${payload.version} arrived before version ${payload.version - 1}`, EARLY_VERSION_RETRY_MS);
  }
  ctx.logger.debug({ ticketId: payload.id, version: payload.version, outcome }, 'ticket.updated handled');
}
