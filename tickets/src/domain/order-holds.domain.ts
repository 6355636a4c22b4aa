import type { Logger, OrderCancelledEvent, OrderCompletedEvent, OrderCreatedEvent, PoolClient } from '@ticketing/common';
import { hasNewerOrder, rememberOrder } from '../data/known-orders.data';
import { lockTicket, setTicketHold, type TicketRow } from '../data/tickets.data';
import { recordTicketUpdated } from './ticket-events';

/**
 * How orders' events move a ticket's hold. Orders guarantees at most one active order per ticket, but its events for
 * DIFFERENT orders reach us in any order (each order is its own aggregate; failed deliveries come back later). So each
 * decision looks at what we know of every order of the ticket (known_orders), not at what arrived last:
 *
 *  - order.created X holds the ticket for X unless X already ended, the ticket is sold, or an order newer than X
 *    (one that expires later) was already seen for this ticket: orders creates a new order only after the previous
 *    one ended, so X is over even if its cancellation has not arrived yet.
 *  - order.cancelled X frees the ticket only if X is the order holding it.
 *  - order.completed X sells the ticket to X: a completed order was never cancelled, so no later order can exist.
 *
 * Every handler locks the ticket row first, so two orders' events for one ticket (handled concurrently by the
 * consumer, which serialises per order only) decide one after the other. Each change bumps the version and writes
 * ticket.updated in the same transaction (the consumer's, which also records the event in the inbox).
 */

export type HoldOutcome = 'held' | 'freed' | 'sold' | 'unchanged' | 'unknown-ticket';

interface HoldContext {
  tx: PoolClient;
  logger: Logger;
}

async function changeHold(ctx: HoldContext, ticket: TicketRow, status: TicketRow['status'], orderId: string | null): Promise<void> {
  const updated = await setTicketHold(ctx.tx, ticket.id, status, orderId);
  await recordTicketUpdated(ctx.tx, updated);
}

/** Tickets owns tickets: an order for a ticket we never had is garbage, not something to wait for. */
async function lockOrReport(ctx: HoldContext, ticketId: string, orderId: string, subject: string): Promise<TicketRow | null> {
  const ticket = await lockTicket(ctx.tx, ticketId);
  if (!ticket) ctx.logger.error({ ticketId, orderId }, `${subject} for a ticket that does not exist; ignored`);
  return ticket;
}

export async function applyOrderCreated(ctx: HoldContext, order: OrderCreatedEvent): Promise<HoldOutcome> {
  const ticket = await lockOrReport(ctx, order.ticket.id, order.id, 'order.created');
  if (!ticket) return 'unknown-ticket';
  const known = await rememberOrder(ctx.tx, { orderId: order.id, ticketId: ticket.id, state: 'created', expiresAt: order.expiresAt });
  const log = ctx.logger.child({ ticketId: ticket.id, orderId: order.id, heldBy: ticket.orderId, status: ticket.status });
  if (known.state !== 'created') {
    log.info({ orderState: known.state }, 'order.created after the order ended; not holding');
    return 'unchanged';
  }
  if (ticket.orderId === order.id) return 'unchanged';
  if (ticket.status === 'sold') {
    log.warn('order.created for a sold ticket; not holding');
    return 'unchanged';
  }
  if (await hasNewerOrder(ctx.tx, ticket.id, order.id, order.expiresAt)) {
    log.info('order.created of an order older than one already seen for this ticket; not holding');
    return 'unchanged';
  }
  if (ticket.orderId) log.info('newer order takes over the hold (the older one ended; its cancellation is on its way)');
  await changeHold(ctx, ticket, 'reserved', order.id);
  return 'held';
}

export async function applyOrderCancelled(ctx: HoldContext, order: OrderCancelledEvent): Promise<HoldOutcome> {
  const ticket = await lockOrReport(ctx, order.ticket.id, order.id, 'order.cancelled');
  if (!ticket) return 'unknown-ticket';
  const known = await rememberOrder(ctx.tx, { orderId: order.id, ticketId: ticket.id, state: 'cancelled' });
  const log = ctx.logger.child({ ticketId: ticket.id, orderId: order.id, heldBy: ticket.orderId, status: ticket.status });
  if (known.state === 'completed') {
    log.error('order.cancelled for a completed order; ignored (orders never cancels a completed order)');
    return 'unchanged';
  }
  if (ticket.orderId !== order.id) {
    log.debug('order.cancelled for an order not holding the ticket; nothing to free');
    return 'unchanged';
  }
  if (ticket.status === 'sold') {
    log.error('order.cancelled for the order that bought the ticket; ignored');
    return 'unchanged';
  }
  await changeHold(ctx, ticket, 'available', null);
  return 'freed';
}

export async function applyOrderCompleted(ctx: HoldContext, order: OrderCompletedEvent): Promise<HoldOutcome> {
  const ticket = await lockOrReport(ctx, order.ticket.id, order.id, 'order.completed');
  if (!ticket) return 'unknown-ticket';
  await rememberOrder(ctx.tx, { orderId: order.id, ticketId: ticket.id, state: 'completed' });
  const log = ctx.logger.child({ ticketId: ticket.id, orderId: order.id, heldBy: ticket.orderId, status: ticket.status });
  if (ticket.status === 'sold') {
    if (ticket.orderId !== order.id) log.error('order.completed for a ticket sold to another order; ignored (sold twice upstream?)');
    return 'unchanged';
  }
  if (ticket.orderId && ticket.orderId !== order.id) log.info('order.completed for a ticket held by an older order; selling to the completed one');
  await changeHold(ctx, ticket, 'sold', order.id);
  return 'sold';
}
