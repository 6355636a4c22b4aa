import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { COMMON_MIGRATIONS, createLogger, withTransaction, writeOutbox, type EventPayload, type Logger, type Pool } from '@ticketing/common';

export { COMMON_MIGRATIONS };

/** A valid ticket.updated payload for ticket `id` at `version`. */
export function ticketUpdated(id: string, version: number): EventPayload<'ticket.updated'> {
  return { id, version, title: `ticket ${id.slice(0, 8)}`, priceCents: 1000 + version, userId: '00000000-0000-4000-8000-000000000001', orderId: null, status: 'available' };
}

export function ticketCreated(id: string = randomUUID(), version = 0): EventPayload<'ticket.created'> {
  return { id, version, title: `ticket ${id.slice(0, 8)}`, priceCents: 1500, userId: '00000000-0000-4000-8000-000000000001' };
}

/** Writes one ticket.updated per call, each in its own committed transaction (as a service would). */
export async function writeTicketUpdate(pool: Pool, id: string, version: number, requestId?: string): Promise<string> {
  return withTransaction(pool, (tx) => writeOutbox(tx, 'ticket.updated', ticketUpdated(id, version), { requestId }));
}

export async function outboxRows(pool: Pool): Promise<Array<{ seq: number; event_id: string; sent_at: Date | null; attempts: number; last_error: string | null }>> {
  return (await pool.query('SELECT seq, event_id, sent_at, attempts, last_error FROM outbox ORDER BY seq')).rows;
}

export function quietLogger(): Logger {
  return createLogger('bus-test', process.env.TEST_LOG_LEVEL ?? 'silent');
}

/** A logger that keeps every record (level as pino's number: 40 warn, 50 error) so tests can assert what was logged. */
export function capturingLogger(): { logger: Logger; records: Array<Record<string, unknown> & { level: number; msg: string }> } {
  const records: Array<Record<string, unknown> & { level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) });
  return { logger, records };
}

/** The versions of one aggregate's events, in the order given (stream order for a collector's events). */
export function versionsOf(events: Array<{ payload: unknown }>, id: string): number[] {
  return events.map((e) => e.payload as { id?: string; version?: number }).filter((p) => p.id === id).map((p) => p.version!);
}
