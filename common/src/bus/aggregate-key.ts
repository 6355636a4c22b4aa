import type { EventSubject } from '../events/contracts';

/**
 * The aggregate an event belongs to: the outbox publishes events with the same key in the order they were written,
 * and consumers apply them one after another in that order.
 */
export function aggregateKeyOf(subject: EventSubject, payload: Record<string, unknown>): string {
  const id = (payload.id ?? payload.orderId) as string | undefined;
  return `${subject.split('.')[0]}:${id ?? ''}`;
}
