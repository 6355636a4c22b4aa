import type { OrderCompletedEvent, TxEventContext } from '@ticketing/common';
import { applyOrderStatusChange } from '../domain/orders-replica';

export async function onOrderCompleted(payload: OrderCompletedEvent, ctx: TxEventContext): Promise<void> {
  await applyOrderStatusChange(ctx.tx, { id: payload.id, version: payload.version, status: 'complete' }, ctx.logger, ctx.deliveryCount);
}
