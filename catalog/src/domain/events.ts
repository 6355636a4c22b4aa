import { ConflictError, NotFoundError, withTransaction, type EventCategory, type Pool, type Queryable } from '@ticketing/common';
import { randomUUID } from 'node:crypto';
import { browseEvents, type BrowsedEvent } from '../data/event-browsing.data';
import {
  cancelEventIfOpen,
  findEvent,
  findEventWithSummary,
  insertEvent,
  updateEventIfOpen,
  type EventChanges,
  type EventWithSummary,
  type NewEvent,
} from '../data/events.data';
import { recordEventCancelled, recordEventScheduled, recordEventUpdated } from './catalog-events';
import type { EventCursor } from './event-cursor';
import { refuseClosed } from './refuse-closed';
import { searchWords } from './search-words';

export type { EventChanges, EventWithSummary } from '../data/events.data';
export type EventInput = Omit<NewEvent, 'id'>;

/** An admin schedules an event; event.scheduled commits with it. */
export async function scheduleEvent(pool: Pool, input: EventInput): Promise<EventWithSummary> {
  return withTransaction(pool, async (tx) => {
    const event = await insertEvent(tx, { id: randomUUID(), ...input });
    await recordEventScheduled(tx, event);
    return withSummary(tx, event.id);
  });
}

/**
 * An admin edits an event: one guarded UPDATE decides (scheduled, not over, and at `expectedVersion` when given), so
 * a cancellation or the start time passing between a read and this write can never be overwritten.
 */
export async function editEvent(pool: Pool, id: string, changes: EventChanges, expectedVersion?: number): Promise<EventWithSummary> {
  return withTransaction(pool, async (tx) => {
    const updated = await updateEventIfOpen(tx, id, changes, expectedVersion);
    if (updated) {
      await recordEventUpdated(tx, updated);
      return withSummary(tx, id);
    }
    const current = await findEvent(tx, id);
    refuseClosed(current, 'edited');
    throw new ConflictError(`The event was changed meanwhile (it is at version ${current.version}); reload it and edit again`, 'version');
  });
}

/** An admin cancels an event; event.cancelled commits with it and starts the refunds downstream. */
export async function cancelEvent(pool: Pool, id: string): Promise<EventWithSummary> {
  return withTransaction(pool, async (tx) => {
    const cancelled = await cancelEventIfOpen(tx, id);
    if (cancelled) {
      await recordEventCancelled(tx, cancelled);
      return withSummary(tx, id);
    }
    refuseClosed(await findEvent(tx, id), 'cancelled');
    throw new Error(`event ${id} is scheduled and not over, yet the guarded cancel matched nothing`);
  });
}

/** Any event by id, cancelled and past ones too. */
export async function getEvent(db: Queryable, id: string): Promise<EventWithSummary> {
  const event = await findEventWithSummary(db, id);
  if (!event) throw new NotFoundError('Event not found');
  return event;
}

export interface BrowseRequest {
  search?: string;
  city?: string;
  category?: EventCategory;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: EventCursor;
}

export interface EventPage {
  events: BrowsedEvent[];
  next: EventCursor | null;
}

/** Scheduled events that are not over: soonest first, or for a search best match first, then soonest. */
export async function browse(pool: Pool, req: BrowseRequest): Promise<EventPage> {
  const words = req.search ? searchWords(req.search) : [];
  const query = { words, city: req.city, category: req.category, from: req.from, to: req.to, limit: req.limit + 1 };
  const after = req.cursor && { rank: req.cursor.rank ?? 0, startsAtMicros: req.cursor.startsAtMicros, id: req.cursor.id };
  const rows = words.length
    ? await withTransaction(pool, (tx) => browseEvents(tx, { ...query, after }))
    : await browseEvents(pool, { ...query, after });
  const events = rows.slice(0, req.limit);
  const last = events[events.length - 1];
  const next =
    rows.length > req.limit && last ? { startsAtMicros: last.startsAtMicros, id: last.id, ...(words.length ? { rank: last.rank } : {}) } : null;
  return { events, next };
}

/** Whether a cursor was made for a search (it carries a rank) or for plain browsing; the two orders differ. */
export function cursorFitsSearch(cursor: EventCursor, search: string | undefined): boolean {
  const searching = search !== undefined && searchWords(search).length > 0;
  return (cursor.rank !== undefined) === searching;
}

async function withSummary(tx: Queryable, id: string): Promise<EventWithSummary> {
  return (await findEventWithSummary(tx, id))!;
}
