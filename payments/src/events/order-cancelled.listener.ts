import type { OrderCancelledEvent, TxEventContext } from '@ticketing/common';
import { applyOrderStatusChange } from '../domain/orders-replica';

export async function onOrderCancelled(payload: OrderCancelledEvent, ctx: TxEventContext): Promise<void> {
  await applyOrderStatusChange(ctx.tx, { id: payload.id, version: payload.version, status: 'cancelled' }, ctx.logger, ctx.deliveryCount);
}
