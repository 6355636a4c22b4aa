import { TooManyRequestsError, type PoolClient } from '@ticketing/common';
import { buyerWindowBlockedFor, lockBuyerAttempts, orderWindowBlockedFor } from '../data/attempt-limits.data';

/** PAYMENT_ATTEMPTS_PER_ORDER_PER_HOUR / _PER_BUYER_PER_HOUR; the window is an hour except in tests that shorten it. */
export interface AttemptLimits {
  perOrder: number;
  perBuyer: number;
  windowSeconds: number;
}

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = { perOrder: 5, perBuyer: 20, windowSeconds: 3600 };

/** "12 minutes", "40 seconds": when the buyer may try again, for the message (Retry-After carries the seconds). */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

const windowName = (windowSeconds: number) => (windowSeconds === 3600 ? 'hour' : describeWait(windowSeconds));

/**
 * Card testing: a stolen-card list is tried one card after another, on one order or across many. Called in the
 * transaction that is about to add an attempt, with the order's replica row already locked (which serialises that
 * order's attempts); takes the buyer's lock, so the count and the insert that follows are one step for the buyer too.
 * Over a limit → 429 with Retry-After = seconds until the attempt that blocks leaves the window; the transaction then
 * rolls back, so a refused attempt stores nothing and never reaches the provider.
 */
export async function ensureRoomForAttempt(tx: PoolClient, limits: AttemptLimits, order: { id: string; userId: string }): Promise<void> {
  const forOrder = await orderWindowBlockedFor(tx, order.id, limits.perOrder, limits.windowSeconds);
  if (forOrder !== null) {
    throw new TooManyRequestsError(
      forOrder,
      `Too many payment attempts for this order: ${limits.perOrder} in the last ${windowName(limits.windowSeconds)}. Try again in ${describeWait(forOrder)}.`,
    );
  }
  await lockBuyerAttempts(tx, order.userId);
  const forBuyer = await buyerWindowBlockedFor(tx, order.userId, limits.perBuyer, limits.windowSeconds);
  if (forBuyer !== null) {
    throw new TooManyRequestsError(
      forBuyer,
      `Too many payment attempts from your account: ${limits.perBuyer} in the last ${windowName(limits.windowSeconds)}. Try again in ${describeWait(forBuyer)}.`,
    );
  }
}
