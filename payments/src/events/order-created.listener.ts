import type { OrderCreatedEvent, TxEventContext } from '@ticketing/common';
import { applyOrderCreated } from '../domain/orders-replica';

export async function onOrderCreated(payload: OrderCreatedEvent, ctx: TxEventContext): Promise<void> {
  await applyOrderCreated(ctx.tx, payload, ctx.logger);
}
