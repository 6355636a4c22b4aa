import type { CatalogEventPayload, TxEventContext } from '@ticketing/common';
import { followEventStart, type DeliveryRules } from '../domain/deliveries.domain';
import { closeCancelledEvent } from '../domain/event-cancellation.domain';

/**
 * After the replica applied a newer version of an event: event.updated → pending deliveries' deadlines follow the
 * event's start; event.cancelled → the event's listings close and its pending deliveries stop.
 */
export function onCatalogEventApplied(rules: DeliveryRules) {
  return async (event: CatalogEventPayload, subject: string, ctx: TxEventContext): Promise<void> => {
    if (subject === 'event.cancelled' || event.status === 'cancelled') {
      const closed = await closeCancelledEvent(ctx.tx, event.id);
      ctx.logger.info({ eventId: event.id, ...closed }, 'event cancelled: its listings are withdrawn and its pending deliveries stopped');
      return;
    }
    if (subject !== 'event.updated') return;
    const moved = await followEventStart(ctx.tx, event.id, new Date(event.startsAt), rules);
    if (moved) ctx.logger.info({ eventId: event.id, moved }, 'the event moved; pending deliveries follow its new deadline');
  };
}
