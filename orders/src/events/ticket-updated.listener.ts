import { RetryLaterError, type TicketUpdatedEvent, type TxEventContext } from '@ticketing/common';
import { applyTicketUpdated } from '../domain/tickets-replica';

/**
 * An early version usually has its predecessor right behind it on the wire, so look again soon; if it is not, back off
 * (0.5 s, 1 s, 2 s ... 30 s) so that the consumer's 30 deliveries span about 12 minutes before it gives up.
 */
export function earlyVersionRetryMs(deliveryCount: number): number {
  return Math.min(500 * 2 ** Math.max(0, deliveryCount - 1), 30_000);
}

/**
 * ticket.updated → applied only on top of the previous version (invariant 5). An early one is redelivered later
 * (never dropped); a stale or duplicate one is acknowledged and ignored.
 */
export async function onTicketUpdated(payload: TicketUpdatedEvent, ctx: TxEventContext): Promise<void> {
  const outcome = await applyTicketUpdated(ctx.tx, payload);
  if (outcome === 'early') {
    throw new RetryLaterError(
      `ticket ${payload.id} version ${payload.version} arrived before version ${payload.version - 1}`,
      earlyVersionRetryMs(ctx.deliveryCount),
    );
  }
  ctx.logger.debug({ ticketId: payload.id, version: payload.version, outcome }, 'ticket.updated handled');
}
