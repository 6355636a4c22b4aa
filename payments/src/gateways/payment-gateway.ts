import { BadRequestError, ConflictError, PaymentDeclinedError, ServiceUnavailableError } from '@ticketing/common';

export { PaymentDeclinedError };

export interface ChargeRequest {
  /** Integer minor units (invariant 7). */
  amountCents: number;
  /** ISO 4217, lower case ("usd"). */
  currency: string;
  /** A payment method token from the provider (Stripe's tok_*). */
  token: string;
  /** The provider deduplicates on it: the same key always yields the same charge (or the same decline). */
  idempotencyKey: string;
  metadata: Record<string, string>;
}

export interface RefundRequest {
  /** The provider's id of the charge (a PaymentIntent id for Stripe). */
  providerId: string;
  amountCents: number;
  idempotencyKey: string;
}

/**
 * The payment provider, behind one narrow interface so the flow does not depend on Stripe and runs offline.
 * charge: resolves with the provider's charge id, or throws PaymentDeclinedError (402, the provider's message),
 * InvalidPaymentTokenError (400), IdempotencyKeyReusedError (409) or PaymentProviderUnavailableError (503: the
 * outcome is unknown, the same key must be retried). refund: same contract, never declined.
 */
export interface PaymentGateway {
  readonly name: string;
  /**
   * The shape of the provider's tokens (Stripe: tok_… or pm_…). A token of another shape is refused (400) before
   * anything is stored or sent: a card number pasted as a token must never be written down.
   */
  readonly token: TokenShape;
  charge(req: ChargeRequest): Promise<{ providerId: string }>;
  refund(req: RefundRequest): Promise<{ refundId: string }>;
}

export interface TokenShape {
  pattern: RegExp;
  /** For the 400's message: "a Stripe token (tok_… or pm_…)". */
  description: string;
}

/** The token does not name a usable payment method; nothing was charged. */
export class InvalidPaymentTokenError extends BadRequestError {
  constructor(message: string) {
    super(message, 'token');
  }
}

/** The idempotency key was already used with different parameters (another token): nothing was charged by this call. */
export class IdempotencyKeyReusedError extends ConflictError {
  constructor(message = 'Another payment for this order is in progress; try again shortly') {
    super(message);
  }
}

/** The provider could not be reached or failed: whether it acted is unknown until the same request is repeated. */
export class PaymentProviderUnavailableError extends ServiceUnavailableError {
  constructor(message = 'The payment provider is unavailable; try again shortly', options?: { cause?: unknown }) {
    super(message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
