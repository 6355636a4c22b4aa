import { randomUUID } from 'node:crypto';
import { withTransaction } from '@ticketing/common';
import { findTicket } from '../../../orders/src/data/tickets.data.js';
import { cancelExpiredOrders, insertOrder } from '../../../orders/src/data/orders.data.js';
import { recordOrderCancelled, recordOrderCreated } from '../../../orders/src/domain/order-events.js';
import type { PgOrdersJob, RunResult } from '../protocol.mjs';
import { timeSqlCalls } from './sql-baseline.mjs';

/**
 * The baseline of "order creation": the transaction POST /api/orders runs (orders/src/domain/orders.ts placeOrder),
 * built from orders' own data-layer functions and outbox writer, so the statements cannot drift from the service's:
 * BEGIN; SELECT the listing; UPDATE (cancel an expired hold); INSERT the order; INSERT its order.created outbox row;
 * COMMIT. The service's own pool (common's createPool: statements prepared, planned per call) of the same size; no
 * HTTP, JSON, session or validation around it.
 */
export function runPgOrders(job: PgOrdersJob): Promise<RunResult> {
  return timeSqlCalls(
    job,
    (i) => i < job.orders.length,
    (pool, i) =>
      withTransaction(pool, async (tx) => {
        const { ticketId, buyerId } = job.orders[i]!;
        const ticket = await findTicket(tx, ticketId);
        if (!ticket) throw new Error(`ticket ${ticketId} is not in the replica`);
        for (const expired of await cancelExpiredOrders(tx, { ticketId })) await recordOrderCancelled(tx, expired);
        const order = await insertOrder(tx, { id: randomUUID(), userId: buyerId, ticketId, priceCents: ticket.priceCents, holdSeconds: job.holdSeconds });
        await recordOrderCreated(tx, order);
      }),
  );
}
