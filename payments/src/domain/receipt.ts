import { centsToPrice, ForbiddenError, isUuid, NotFoundError, type Queryable } from '@ticketing/common';
import { findOrder } from '../data/orders.data';
import { receiptRowsOfOrder, type ReceiptRow } from '../data/receipts.data';

/**
 * Why a refund was made, as far as payments knows. The replica does not keep order.cancelled's reason, so:
 * - `payment_rejected`: the order had already ended (expired or cancelled) when its payment reached orders;
 * - `cancelled`: the order was cancelled after it was paid and complete (the seller did not deliver, or the event was
 *   cancelled); the order itself (orders' `reason`) says which.
 */
export type RefundReason = 'payment_rejected' | 'cancelled';

export interface ReceiptRefund {
  id: string;
  amount: number;
  status: 'pending' | 'succeeded';
  reason: RefundReason;
  createdAt: Date;
  refundedAt: Date | null;
}

export interface ReceiptPayment {
  id: string;
  amount: number;
  status: 'succeeded' | 'refunded';
  createdAt: Date;
  refunds: ReceiptRefund[];
}

/** The buyer's receipt: what they paid for the order and what came (or is coming) back. Only the order's buyer reads it. */
export async function receiptOfOrder(db: Queryable, userId: string, orderId: unknown): Promise<ReceiptPayment[]> {
  // A non-UUID names no order: 404 like an unknown one, so the answer never depends on the id's shape beyond that.
  if (!isUuid(orderId)) throw new NotFoundError('Order not found');
  const order = await findOrder(db, orderId);
  if (!order) throw new NotFoundError('Order not found');
  if (order.userId !== userId) throw new ForbiddenError('Not allowed: this is not your order');
  return (await receiptRowsOfOrder(db, orderId)).map(toReceiptPayment);
}

function toReceiptPayment(row: ReceiptRow): ReceiptPayment {
  const refunds: ReceiptRefund[] = [];
  if (row.refundId) {
    refunds.push({
      id: row.refundId,
      amount: centsToPrice(row.refundAmountCents!),
      status: row.refundStatus!,
      reason: row.orderCompleted ? 'cancelled' : 'payment_rejected',
      createdAt: row.refundCreatedAt!,
      refundedAt: row.refundedAt,
    });
  }
  return { id: row.paymentId, amount: centsToPrice(row.paymentAmountCents), status: row.paymentStatus, createdAt: row.paidAt, refunds };
}
