import path from 'node:path';
import type { MigrationSource } from '../db/migrate';
import type { Queryable } from '../db/pool';
import type { CatalogEventPayload, EventCategory, EventStatus } from '../events/contracts';
import type { ConsumerDeclaration } from '../service/consumers';
import type { TxEventContext } from '../bus';

/**
 * The catalogue's events as a service other than catalog keeps them (tickets, orders, later payments and
 * notifications): one table, one consumer, one rule, written once here. Add CATALOG_EVENTS_REPLICA_MIGRATIONS to the
 * service's migrations and catalogEventsConsumer() to its consumers.
 */
export const CATALOG_EVENTS_REPLICA_MIGRATIONS = {
  dir: path.join(__dirname, '../../migrations/catalog-events-replica'),
  prefix: 'catalog-events/',
} satisfies MigrationSource;

export interface ReplicatedEvent {
  id: string;
  version: number;
  name: string;
  category: EventCategory;
  venue: { name: string; city: string; country: string };
  timeZone: string;
  startsAt: Date;
  status: EventStatus;
}

const COLUMNS = `id, version, name, category, venue, time_zone AS "timeZone", starts_at AS "startsAt", status`;

/** Newest version wins: applied when this version is newer than what is stored (or the event is new), else stale. */
export async function applyCatalogEvent(db: Queryable, e: CatalogEventPayload): Promise<'applied' | 'stale'> {
  const res = await db.query(
    `INSERT INTO catalog_events AS c (id, version, name, category, venue, time_zone, starts_at, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, category = EXCLUDED.category,
       venue = EXCLUDED.venue, time_zone = EXCLUDED.time_zone, starts_at = EXCLUDED.starts_at, status = EXCLUDED.status,
       updated_at = now()
     WHERE c.version < EXCLUDED.version`,
    [e.id, e.version, e.name, e.category, JSON.stringify(e.venue), e.timeZone, e.startsAt, e.status],
  );
  return res.rowCount === 1 ? 'applied' : 'stale';
}

export async function findCatalogEvent(db: Queryable, id: string): Promise<ReplicatedEvent | null> {
  const { rows } = await db.query<ReplicatedEvent>(`SELECT ${COLUMNS} FROM catalog_events WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Why nothing may be listed or ordered for this event now (cancelled, or started), or null when it is open. */
export function eventClosedReason(e: Pick<ReplicatedEvent, 'status' | 'startsAt'>, now = new Date()): string | null {
  if (e.status === 'cancelled') return 'This event is cancelled';
  if (e.startsAt.getTime() <= now.getTime()) return 'This event has already started';
  return null;
}

/**
 * The durable consumer on EVENTS that keeps the replica. `then` runs after a change is applied, in the same
 * transaction (a service reacting to a cancellation, say); it is not called for stale or repeated events.
 */
export function catalogEventsConsumer(
  opts: { then?: (event: CatalogEventPayload, subject: 'event.scheduled' | 'event.updated' | 'event.cancelled', ctx: TxEventContext) => Promise<void> } = {},
): ConsumerDeclaration {
  const handle = (subject: 'event.scheduled' | 'event.updated' | 'event.cancelled') => async (e: CatalogEventPayload, ctx: TxEventContext) => {
    const outcome = await applyCatalogEvent(ctx.tx, e);
    ctx.logger.debug({ eventId: e.id, version: e.version, status: e.status, outcome }, `${subject} applied to the catalogue replica`);
    if (outcome === 'applied') await opts.then?.(e, subject, ctx);
  };
  return {
    stream: 'EVENTS',
    handlers: { 'event.scheduled': handle('event.scheduled'), 'event.updated': handle('event.updated'), 'event.cancelled': handle('event.cancelled') },
  };
}
