import type { JsMsg } from '@nats-io/jetstream';
import type { Pool } from '../../db/pool';
import { withTransaction } from '../../db/transaction';
import { asCausedBy, eventContext, inTransaction, processMessage, settleFailure, type DecodedEvent, type ProcessSettings } from './message';
import type { EventContext, TxHandlers } from './types';

/** A message waiting in a lane; `settled` stops its working() heartbeat. */
export interface BatchItem {
  msg: JsMsg;
  event: DecodedEvent;
  settled: () => void;
}

type Attempt = { ok: true } | { ok: false; failed?: { index: number; error: unknown; logger: EventContext['logger'] } };

/**
 * Applies a lane's batch of events in ONE transaction: one inbox insert for all of them, each handler in turn, one
 * COMMIT, then every ack. Under load this turns N commits (N WAL flushes, N × BEGIN/COMMIT round trips) into one,
 * which is what lets a burst of thousands of events (10,000 holds ending in the same second) go through at the rate
 * PostgreSQL applies rows rather than the rate it flushes commits.
 *
 * Nothing is acked before the COMMIT (invariant 4). If a handler throws, the whole transaction rolls back and the
 * batch is split around the failing event: the events before it run again as a batch, the failing one is naked with
 * back-off (or terminated on its last delivery) exactly as an unbatched consumer would after that failure, without
 * running it again, then the events after it run as a batch. A failure at COMMIT names no event: then each runs alone
 * through the one-event path. The order within the batch is kept throughout, so one aggregate's events stay in order.
 */
export async function applyBatch(pool: Pool, handlers: TxHandlers, settings: ProcessSettings, items: BatchItem[]): Promise<void> {
  if (!items.length) return;
  if (items.length === 1) return applyAlone(pool, handlers, settings, items[0]!);
  const attempt = await attemptBatch(pool, handlers, settings, items);
  if (attempt.ok) {
    for (const item of items) {
      if (!settings.ackBeforeCommit) item.msg.ack();
      item.settled();
    }
    settings.logger.debug({ events: items.length }, 'batch of events applied');
    return;
  }
  const { failed } = attempt;
  if (!failed) {
    settings.logger.info({ events: items.length }, 'batch failed at commit; applying its events one at a time');
    for (const item of items) await applyAlone(pool, handlers, settings, item);
    return;
  }
  await applyBatch(pool, handlers, settings, items.slice(0, failed.index));
  const guilty = items[failed.index]!;
  settleFailure(guilty.msg, settings, failed.logger, failed.error);
  guilty.settled();
  await applyBatch(pool, handlers, settings, items.slice(failed.index + 1));
}

async function applyAlone(pool: Pool, handlers: TxHandlers, settings: ProcessSettings, item: BatchItem): Promise<void> {
  try {
    await processMessage(item.msg, item.event, settings, inTransaction(pool, settings.service, handlers[item.event.subject] as never, item.event));
  } finally {
    item.settled();
  }
}

async function attemptBatch(pool: Pool, handlers: TxHandlers, settings: ProcessSettings, items: BatchItem[]): Promise<Attempt> {
  let current: { index: number; logger: EventContext['logger'] } | undefined;
  try {
    await withTransaction(pool, async (tx) => {
      const { rows } = await tx.query<{ event_id: string }>(
        `INSERT INTO inbox (consumer, event_id, subject)
         SELECT $1, e.id, e.subject FROM unnest($2::uuid[], $3::text[]) AS e(id, subject)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [settings.service, items.map((i) => i.event.eventId), items.map((i) => i.event.subject)],
      );
      // Postgres returns uuids lower-case; a redelivered copy of an event already in this batch counts as a duplicate.
      const fresh = new Set(rows.map((r) => r.event_id));
      for (let i = 0; i < items.length; i++) {
        const { msg, event } = items[i]!;
        const id = event.eventId.toLowerCase();
        if (!fresh.delete(id)) continue;
        if (settings.ackBeforeCommit) msg.ack();
        const ctx = eventContext(msg, event, settings);
        current = { index: i, logger: ctx.logger };
        const handler = handlers[event.subject] as (p: unknown, c: unknown) => Promise<void>;
        await asCausedBy(event, () => handler(event.payload, { ...ctx, tx }));
      }
      current = undefined;
    });
    return { ok: true };
  } catch (error) {
    // A failure at checkout or at COMMIT (current undefined) is reported by whichever event then fails alone.
    return { ok: false, failed: current && { ...current, error } };
  }
}
