import type { CatalogEventPayload, TxEventContext } from '@ticketing/common';
import { followEventStart, type DeliveryRules } from '../domain/deliveries.domain';

/** After the replica applied event.updated: pending deliveries' deadlines follow the event's start. */
export function onCatalogEventApplied(rules: DeliveryRules) {
  return async (event: CatalogEventPayload, subject: string, ctx: TxEventContext): Promise<void> => {
    if (subject !== 'event.updated') return;
    const moved = await followEventStart(ctx.tx, event.id, new Date(event.startsAt), rules);
    if (moved) ctx.logger.info({ eventId: event.id, moved }, 'the event moved; pending deliveries follow its new deadline');
  };
}
