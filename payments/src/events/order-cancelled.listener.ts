import type { OrderCancelledEvent, TxEventContext } from '@ticketing/common';
import { applyOrderCancelled } from '../domain/paid-orders';
import type { RefundDeps } from '../domain/refunds';

/** order.cancelled → the replica; a paid order's cancellation (not delivered, event cancelled) refunds it in full. */
export function onOrderCancelled(deps: RefundDeps) {
  return async (payload: OrderCancelledEvent, ctx: TxEventContext): Promise<void> => {
    const outcome = await applyOrderCancelled(deps, ctx.tx, payload, ctx);
    if (outcome !== 'applied' && outcome !== 'stale') ctx.logger.info({ orderId: payload.id, reason: payload.reason, outcome }, 'paid order cancelled');
  };
}
