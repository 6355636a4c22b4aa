import { ConflictError, NotFoundError } from '@ticketing/common';
import type { EventRow } from '../data/events.data';

/** Why a guarded write (an edit, a cancellation, an artwork change) matched nothing: unknown, cancelled or over. */
export function refuseClosed(event: EventRow | undefined, what: 'edited' | 'cancelled'): asserts event is EventRow {
  if (!event) throw new NotFoundError('Event not found');
  if (event.status === 'cancelled') {
    throw new ConflictError(what === 'cancelled' ? 'The event is already cancelled' : 'The event is cancelled and can no longer be edited');
  }
  if (event.over) throw new ConflictError(`The event has started or is over and can no longer be ${what}`);
}
