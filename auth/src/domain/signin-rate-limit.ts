import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TooManyRequestsError, type Logger } from '@ticketing/common';
import { clearCounter, hitCounter } from '../data/attempt-counters.redis';

export interface SignInRateLimitPolicy {
  maxFailuresPerEmail: number;
  maxAttemptsPerIp: number;
  windowSeconds: number;
  /** Prefix of every key, e.g. "auth:"; tests use a unique one. */
  keyPrefix: string;
}

/**
 * Sign-in throttling kept in Redis so every replica sees the same counts.
 *
 * Per client address every attempt counts; per email, an attempt is counted BEFORE the password is checked and the
 * count is cleared when it succeeds. Counting first (rather than after a failure) means a burst of concurrent guesses
 * cannot all slip past a count read before any of them failed: at most `maxFailuresPerEmail` guesses per window.
 *
 * When Redis does not answer we let the attempt through (fail open) and log a warning: an outage of the limiter must
 * not lock every user out of the marketplace, the password check still runs at full scrypt cost, and readiness
 * reports Redis down so the platform pages someone.
 */
export class SignInRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly policy: SignInRateLimitPolicy,
    private readonly logger: Logger,
  ) {}

  private emailKey(email: string): string {
    // Hashed so the limiter's keys do not spread addresses (personal data) into another store.
    return `${this.policy.keyPrefix}signin:email:${createHash('sha256').update(email).digest('hex')}`;
  }

  private ipKey(ip: string): string {
    return `${this.policy.keyPrefix}signin:ip:${ip}`;
  }

  /** Counts this attempt; throws TooManyRequestsError (429 + Retry-After) when the address or the email is over. */
  async admit(email: string, ip: string): Promise<void> {
    const { windowSeconds, maxAttemptsPerIp, maxFailuresPerEmail } = this.policy;
    let blockedFor: number | undefined;
    try {
      const perIp = await hitCounter(this.redis, this.ipKey(ip), windowSeconds);
      if (perIp.count > maxAttemptsPerIp) {
        blockedFor = perIp.secondsLeft;
      } else {
        const perEmail = await hitCounter(this.redis, this.emailKey(email), windowSeconds);
        if (perEmail.count > maxFailuresPerEmail) blockedFor = perEmail.secondsLeft;
      }
    } catch (err) {
      this.logger.warn({ err }, 'sign-in rate limiter unavailable (Redis); allowing the attempt');
      return;
    }
    if (blockedFor !== undefined) throw new TooManyRequestsError(Math.max(1, blockedFor));
  }

  /** A successful sign-in forgives the email's earlier failures. */
  async succeeded(email: string): Promise<void> {
    try {
      await clearCounter(this.redis, this.emailKey(email));
    } catch (err) {
      this.logger.warn({ err }, 'could not clear the sign-in failure counter (Redis)');
    }
  }
}
