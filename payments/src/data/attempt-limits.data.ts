import type { Queryable } from '@ticketing/common';

/** Statuses of attempts that reached a card: pending (in flight), succeeded, declined. A rejected token did not. */
const COUNTED = `a.status IN ('pending', 'succeeded', 'declined')`;

/**
 * How long until fewer than `limit` counted attempts remain in the window (seconds, rounded up), or null when fewer
 * than `limit` are in it now. The newest `limit` attempts in the window are read: the oldest of them is the one whose
 * departure frees a place (with a limit lowered below what the window holds, older ones must leave first, and are
 * older still). Times are the database's, as the attempts' created_at are.
 */
async function secondsUntilBelow(db: Queryable, where: string, key: string, limit: number, windowSeconds: number): Promise<number | null> {
  const { rows } = await db.query<{ leaves_in: number }>(
    `SELECT extract(epoch FROM a.created_at + make_interval(secs => $2) - now())::float8 AS leaves_in
     FROM payment_attempts a
     WHERE ${where} AND ${COUNTED} AND a.created_at > now() - make_interval(secs => $2)
     ORDER BY a.created_at DESC LIMIT $3`,
    [key, windowSeconds, limit],
  );
  if (rows.length < limit) return null;
  return Math.max(1, Math.ceil(rows[limit - 1]!.leaves_in));
}

export function orderWindowBlockedFor(db: Queryable, orderId: string, limit: number, windowSeconds: number): Promise<number | null> {
  return secondsUntilBelow(db, 'a.order_id = $1', orderId, limit, windowSeconds);
}

export function buyerWindowBlockedFor(db: Queryable, userId: string, limit: number, windowSeconds: number): Promise<number | null> {
  return secondsUntilBelow(db, 'a.order_id IN (SELECT o.id FROM orders o WHERE o.user_id = $1)', userId, limit, windowSeconds);
}

/**
 * Serialises, until the transaction ends, everything that counts and then adds attempts for one buyer: two requests
 * for different orders of the same buyer cannot both see room for one more. The key space (first argument) keeps
 * these locks apart from any other advisory lock; a hash collision between two buyers only serialises them.
 */
export async function lockBuyerAttempts(db: Queryable, userId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(${BUYER_ATTEMPTS_LOCK_SPACE}, hashtext($1))`, [userId]);
}

/** 'PAYB' in ASCII: the advisory lock key space of buyers' payment attempts. */
const BUYER_ATTEMPTS_LOCK_SPACE = 0x50415942;
