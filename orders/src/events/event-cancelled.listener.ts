import type { CatalogEventPayload, TxEventContext } from '@ticketing/common';
import { cancelOrdersOfEvent } from '../domain/event-cancellation';

/** common's catalogEventsConsumer `then`: after the replica applied event.cancelled, the event's orders end. */
export async function onCatalogEventApplied(event: CatalogEventPayload, subject: string, ctx: TxEventContext): Promise<void> {
  if (subject !== 'event.cancelled' && event.status !== 'cancelled') return;
  const outcome = await cancelOrdersOfEvent(ctx.tx, event.id);
  ctx.logger.info({ eventId: event.id, ...outcome }, 'event cancelled: its holds ended and its paid orders cancelled (event_cancelled)');
}
