import Stripe from 'stripe';
import type { Logger } from '@ticketing/common';
import {
  IdempotencyKeyReusedError,
  InvalidPaymentTokenError,
  PaymentDeclinedError,
  PaymentProviderUnavailableError,
  type ChargeRequest,
  type PaymentGateway,
  type RefundRequest,
  type TokenShape,
} from './payment-gateway';

export interface StripeGatewayOptions {
  secretKey: string;
  logger: Logger;
  /** Only for tests that point the real SDK at a local fake of Stripe's API. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** The SDK retries connection errors, 409s and 5xx with the same idempotency key. */
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

/**
 * The SDK's create params omit `card` from payment_method_data, yet the API accepts a legacy token there
 * (`payment_method_data[card][token]=tok_visa`, documented on PaymentMethod creation "for backwards compatibility").
 * A tok_* is not a PaymentMethod id, so `payment_method: token` is not the right field for it.
 */
type TokenPaymentMethodData = { type: 'card'; card: { token: string } };

/**
 * Stripe through its official SDK: one PaymentIntent per attempt, created and confirmed in one call
 * (`confirm: true`, redirect-based methods disallowed so it cannot end up waiting for a return_url), with our
 * idempotency key on every call, so a repeated call returns the same PaymentIntent instead of charging again.
 */
export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe';
  /** A legacy card token (Stripe.js createToken) or a PaymentMethod id (createPaymentMethod, pm_card_visa in tests). */
  readonly token: TokenShape = { pattern: /^(tok|pm)_[A-Za-z0-9_]{1,250}$/, description: 'a Stripe card token (tok_…) or PaymentMethod id (pm_…)' };
  private readonly stripe: Stripe;
  private readonly logger: Logger;

  constructor(opts: StripeGatewayOptions) {
    this.logger = opts.logger;
    this.stripe = new Stripe(opts.secretKey, {
      maxNetworkRetries: opts.maxNetworkRetries ?? 2,
      timeout: opts.timeoutMs ?? 20_000,
      telemetry: false,
      appInfo: { name: 'ticketing-payments' },
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.port ? { port: opts.port } : {}),
      ...(opts.protocol ? { protocol: opts.protocol } : {}),
    });
  }

  async charge(req: ChargeRequest): Promise<{ providerId: string }> {
    const tokenData: TokenPaymentMethodData = { type: 'card', card: { token: req.token } };
    const paymentMethod = req.token.startsWith('pm_')
      ? { payment_method: req.token }
      : { payment_method_data: tokenData as unknown as Stripe.PaymentIntentCreateParams.PaymentMethodData };
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.stripe.paymentIntents.create(
        {
          amount: req.amountCents,
          currency: req.currency,
          confirm: true,
          // Card only in effect: with redirects off, no method can leave the intent waiting for the buyer elsewhere.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          ...paymentMethod,
          metadata: req.metadata,
        },
        { idempotencyKey: req.idempotencyKey },
      );
    } catch (err) {
      throw this.translate(err, 'charge');
    }
    if (intent.status !== 'succeeded') {
      // e.g. requires_action (3-D Secure): this server-side checkout cannot complete it, and nothing was captured.
      this.logger.warn({ paymentIntent: intent.id, status: intent.status }, 'payment intent not completed by confirmation');
      throw new PaymentDeclinedError('This card needs an extra authentication step that this checkout does not support; use another card.');
    }
    return { providerId: intent.id };
  }

  async refund(req: RefundRequest): Promise<{ refundId: string }> {
    try {
      const refund = await this.stripe.refunds.create(
        { payment_intent: req.providerId, amount: req.amountCents, metadata: { reason: 'order_payment_rejected' } },
        { idempotencyKey: req.idempotencyKey },
      );
      return { refundId: refund.id };
    } catch (err) {
      throw this.translate(err, 'refund');
    }
  }

  private translate(err: unknown, operation: 'charge' | 'refund'): unknown {
    if (!(err instanceof Stripe.errors.StripeError)) return err;
    const context = { operation, type: err.type, code: err.code, statusCode: err.statusCode, requestId: err.requestId };
    if (err instanceof Stripe.errors.StripeCardError) return new PaymentDeclinedError(err.message);
    if (err instanceof Stripe.errors.StripeIdempotencyError || err.code === 'idempotency_key_in_use') {
      this.logger.warn(context, 'stripe refused an idempotency key');
      return new IdempotencyKeyReusedError();
    }
    if (
      operation === 'charge' &&
      err instanceof Stripe.errors.StripeInvalidRequestError &&
      (err.param === 'payment_method' || err.param?.startsWith('payment_method_data') || err.code === 'token_already_used')
    ) {
      return new InvalidPaymentTokenError(err.message);
    }
    if (
      err instanceof Stripe.errors.StripeConnectionError ||
      err instanceof Stripe.errors.StripeAPIError ||
      err instanceof Stripe.errors.StripeRateLimitError
    ) {
      this.logger.warn({ ...context, err }, 'stripe unavailable');
      return new PaymentProviderUnavailableError(undefined, { cause: err });
    }
    // Authentication, permissions, an invalid request of ours: a defect or misconfiguration, so a 500 with logs.
    return err;
  }
}
