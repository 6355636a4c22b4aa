import { randomUUID } from 'node:crypto';
import { createLogger, createPool, withTransaction } from '@ticketing/common';
import { findTicket } from '../../../orders/src/data/tickets.data.js';
import { cancelExpiredOrders, insertOrder } from '../../../orders/src/data/orders.data.js';
import { recordOrderCancelled, recordOrderCreated } from '../../../orders/src/events/order-events.publisher.js';
import { nowMs, type PgOrdersJob, type RunResult, type Sample } from '../protocol.mjs';

/**
 * The baseline of "order creation": the transaction POST /api/orders runs (orders/src/domain/orders.ts placeOrder),
 * built from orders' own data-layer functions and outbox writer, so the statements cannot drift from the service's:
 * BEGIN; SELECT the listing; UPDATE (cancel an expired hold); INSERT the order; INSERT its order.created outbox row;
 * COMMIT. The service's own pool (common's createPool: statements prepared, planned per call) of the same size; no
 * HTTP, JSON, session or validation around it.
 */
export async function runPgOrders(job: PgOrdersJob): Promise<RunResult> {
  const pool = createPool(job.databaseUrl, createLogger('bench-baseline', 'silent'), { max: job.poolSize });
  try {
    // Open the connections first: the service's pool is warm too.
    await Promise.all(Array.from({ length: job.poolSize }, async () => (await pool.connect()).release()));
    const samples: Sample[] = [];
    let next = 0;
    const startedAt = nowMs();
    const loop = async () => {
      for (let i = next++; i < job.orders.length; i = next++) {
        const { ticketId, buyerId } = job.orders[i]!;
        const t0 = nowMs();
        let ok = 1;
        try {
          await withTransaction(pool, async (tx) => {
            const ticket = await findTicket(tx, ticketId);
            if (!ticket) throw new Error(`ticket ${ticketId} is not in the replica`);
            for (const expired of await cancelExpiredOrders(tx, { ticketId })) await recordOrderCancelled(tx, expired);
            const order = await insertOrder(tx, { id: randomUUID(), userId: buyerId, ticketId, priceCents: ticket.priceCents, holdSeconds: job.holdSeconds });
            await recordOrderCreated(tx, order, {});
          });
        } catch {
          ok = 2;
        }
        const end = nowMs();
        samples.push([i, ok, end - t0, end]);
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, loop));
    return { startedAt, finishedAt: samples.reduce((max, s) => Math.max(max, s[3]), startedAt), samples };
  } finally {
    await pool.end();
  }
}
