import { ConflictError, type Queryable } from '@ticketing/common';
import type { FairHoldRules } from '../config';
import { recentReleases, ticketsHeldBy } from '../data/orders.data';

/**
 * Fair holds (docs/services/orders.md): one buyer cannot keep inventory off sale. Runs under the buyer's advisory
 * lock, so two requests of the same buyer (on any listings) are counted one after the other, never side by side.
 */
export async function assertMayHold(
  tx: Queryable,
  rules: FairHoldRules,
  req: { buyerId: string; listingId: string; quantity: number },
): Promise<void> {
  const held = await ticketsHeldBy(tx, req.buyerId);
  if (held + req.quantity > rules.maxHeldTickets) {
    throw new ConflictError(
      `You are holding ${held} ticket${held === 1 ? '' : 's'}; pay for or cancel an order before holding more (at most ${rules.maxHeldTickets} at once)`,
      'quantity',
    );
  }
  const releases = await recentReleases(tx, { userId: req.buyerId, listingId: req.listingId, windowSeconds: rules.releaseWindowSeconds });
  if (releases.count < rules.releasesBeforeCooldown || !releases.lastAt) return;
  const until = new Date(releases.lastAt.getTime() + rules.cooldownSeconds * 1000);
  if (until <= releases.now) return;
  throw new ConflictError(cooldownMessage(releases.count, rules.releaseWindowSeconds, until, releases.now));
}

/** 'You let 2 holds on this listing lapse or cancelled them in the last hour; you can hold it again after 14:05 UTC (in 7 minutes)' */
export function cooldownMessage(releases: number, windowSeconds: number, until: Date, now: Date): string {
  const minutesLeft = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  // Rounded up to the minute, so "after HH:MM" is never a moment too early.
  const hhmm = new Date(Math.ceil(until.getTime() / 60_000) * 60_000).toISOString().slice(11, 16);
  return (
    `You let ${releases} holds on this listing lapse or cancelled them in the last ${spanOf(windowSeconds)}; ` +
    `you can hold it again after ${hhmm} UTC (in ${minutesLeft} minute${minutesLeft === 1 ? '' : 's'})`
  );
}

function spanOf(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}
