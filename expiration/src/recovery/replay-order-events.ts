import { eventSchemas, type Bus, type Logger, type OrderCreatedEvent } from '@ticketing/common';
import type { Hold, HoldEnd } from '../queue/hold-timers';

export interface ReplayedHolds {
  /** Orders created in the window and not cancelled or completed since: each needs a timer. */
  open: Hold[];
  /** Orders cancelled or completed in the window: remembered so a late order.created schedules nothing. */
  ended: Array<{ orderId: string; reason: Exclude<HoldEnd, 'expired'> }>;
  /** Messages read, for the log. */
  messages: number;
}

const BATCH = 1000;

/**
 * Reads the ORDERS stream from `since` to its current end with a throw-away ordered consumer (no acks, in-memory,
 * removed afterwards) and folds it into the holds that are still open. Nothing is published or acknowledged, so
 * replaying is free of side effects and can be repeated.
 */
export async function replayOrderEvents(bus: Bus, since: Date, logger: Logger, timeoutMs = 120_000): Promise<ReplayedHolds> {
  const stream = bus.streamName('ORDERS');
  // Events stored after this point reach the live consumer anyway; stopping here keeps a busy stream from
  // stretching the replay (and the sequence says when the end is reached even if the consumer is reset).
  const lastSeq = (await bus.jsm.streams.info(stream)).state.last_seq;
  const consumer = await bus.js.consumers.get(stream, { opt_start_time: since.toISOString() });
  const created = new Map<string, Hold>();
  const ended = new Map<string, Exclude<HoldEnd, 'expired'>>();
  let messages = 0;
  let reachedEnd = false;
  try {
    const info = await consumer.info(true);
    if (info.num_pending > 0) {
      const iterator = await consumer.consume({ max_messages: BATCH });
      const timer = setTimeout(() => {
        logger.error({ stream, timeoutMs, messages }, 'replay took too long; stopping it');
        void iterator.stop();
      }, timeoutMs);
      try {
        for await (const msg of iterator) {
          messages++;
          const subject = bus.eventSubjectOf(msg.subject);
          if (subject === 'order.created' || subject === 'order.cancelled' || subject === 'order.completed') {
            // The contract's schemas read every version still in the stream (a v1 message, one ticket, is upcast):
            // only the order id and expiresAt matter here, and they mean the same in every version.
            const parsed = eventSchemas[subject].safeParse(safeJson(msg.data));
            if (!parsed.success) {
              logger.warn({ subject, seq: msg.seq }, 'skipping an order event that breaks its contract');
            } else if (subject === 'order.created') {
              const order = parsed.data as OrderCreatedEvent;
              created.set(order.id, { orderId: order.id, expiresAt: new Date(order.expiresAt) });
            } else {
              ended.set(parsed.data.id, subject === 'order.cancelled' ? 'cancelled' : 'completed');
            }
          }
          // pending = messages after this one when it was delivered: 0 means this was the stream's last.
          if (msg.seq >= lastSeq || msg.info.pending === 0) {
            reachedEnd = true;
            break;
          }
        }
      } finally {
        clearTimeout(timer);
        await iterator.close();
      }
      if (!reachedEnd) throw new Error(`replay of ${stream} stopped after ${messages} messages, before sequence ${lastSeq}`);
    }
  } finally {
    await consumer.delete().catch((err: unknown) => logger.debug({ err }, 'could not delete the replay consumer; it expires by itself'));
  }
  const open = [...created.values()].filter((h) => !ended.has(h.orderId));
  return { open, ended: [...ended].map(([orderId, reason]) => ({ orderId, reason })), messages };
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
