import type { ExpirationCompletedEvent, TxEventContext } from '@ticketing/common';
import { expireOrder } from '../domain/orders';

/** expiration.completed → the hold ran out: cancel the order if it is still only `created` (paid ones stay). */
export async function onExpirationCompleted(payload: ExpirationCompletedEvent, ctx: TxEventContext): Promise<void> {
  const cancelled = await expireOrder(ctx.tx, payload.orderId);
  ctx.logger.info({ orderId: payload.orderId, cancelled: Boolean(cancelled) }, cancelled ? 'order expired' : 'expiry ignored: order no longer holding');
}
