import { randomBytes } from 'node:crypto';
import type { Queryable } from '@ticketing/common';
import {
  IdempotencyKeyReusedError,
  InvalidPaymentTokenError,
  PaymentDeclinedError,
  type ChargeRequest,
  type PaymentGateway,
  type RefundRequest,
  type TokenShape,
} from './payment-gateway';

/** Stripe's test tokens that succeed. */
export const TEST_SUCCEEDING_TOKENS = ['tok_visa', 'tok_visa_debit', 'tok_mastercard', 'tok_mastercard_debit', 'tok_amex', 'tok_discover'] as const;

/** Stripe's test tokens that are declined, with the message Stripe answers. */
export const TEST_DECLINING_TOKENS: Readonly<Record<string, string>> = {
  tok_chargeDeclined: 'Your card was declined.',
  tok_chargeDeclinedInsufficientFunds: 'Your card has insufficient funds.',
  tok_chargeDeclinedExpiredCard: 'Your card has expired.',
  tok_chargeDeclinedIncorrectCvc: "Your card's security code is incorrect.",
  tok_chargeDeclinedProcessingError: 'An error occurred while processing your card. Try again in a little bit.',
};

type Outcome = { status: 'succeeded' | 'declined' | 'invalid_token'; message: string | null };

function outcomeFor(token: string): Outcome {
  if ((TEST_SUCCEEDING_TOKENS as readonly string[]).includes(token)) return { status: 'succeeded', message: null };
  const declined = TEST_DECLINING_TOKENS[token];
  if (declined) return { status: 'declined', message: declined };
  // Stripe's own answer for a token it does not know (an invalid_request_error, 400).
  return { status: 'invalid_token', message: `No such token: '${token}'` };
}

interface ChargeRow {
  id: string;
  amount_cents: number;
  currency: string;
  token: string;
  status: Outcome['status'];
  message: string | null;
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/**
 * The offline gateway (the default without STRIPE_SECRET_KEY). It answers like Stripe for its test tokens and keeps
 * Stripe's idempotency rules: a key replays its first result (success or decline) and is refused with other
 * parameters. Its ledger is in PostgreSQL so every replica and every restart sees the same charges.
 */
export class TestGateway implements PaymentGateway {
  readonly name = 'test';
  readonly token: TokenShape = { pattern: /^tok_[A-Za-z0-9_]{1,250}$/, description: 'a test card token (tok_…, e.g. tok_visa)' };

  constructor(private readonly db: Queryable) {}

  async charge(req: ChargeRequest): Promise<{ providerId: string }> {
    const outcome = outcomeFor(req.token);
    // ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to commit, then yields nothing: exactly
    // one row per key, and the loser reads the winner's result below.
    const inserted = await this.db.query<ChargeRow>(
      `INSERT INTO test_gateway_charges (id, idempotency_key, amount_cents, currency, token, status, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id, amount_cents, currency, token, status, message`,
      [newId('pi_test'), req.idempotencyKey, req.amountCents, req.currency, req.token, outcome.status, outcome.message],
    );
    const row =
      inserted.rows[0] ??
      (
        await this.db.query<ChargeRow>(
          'SELECT id, amount_cents, currency, token, status, message FROM test_gateway_charges WHERE idempotency_key = $1',
          [req.idempotencyKey],
        )
      ).rows[0];
    if (!row) throw new Error(`test gateway: charge for key ${req.idempotencyKey} vanished`);
    if (row.amount_cents !== req.amountCents || row.currency !== req.currency || row.token !== req.token) {
      throw new IdempotencyKeyReusedError();
    }
    if (row.status === 'declined') throw new PaymentDeclinedError(row.message ?? 'Your card was declined.');
    if (row.status === 'invalid_token') throw new InvalidPaymentTokenError(row.message ?? 'No such token');
    return { providerId: row.id };
  }

  async refund(req: RefundRequest): Promise<{ refundId: string }> {
    const charge = (
      await this.db.query<ChargeRow>('SELECT id, amount_cents, currency, token, status, message FROM test_gateway_charges WHERE id = $1', [req.providerId])
    ).rows[0];
    if (!charge || charge.status !== 'succeeded') throw new Error(`test gateway: no succeeded charge ${req.providerId} to refund`);
    if (req.amountCents > charge.amount_cents) throw new Error(`test gateway: refund of ${req.amountCents} exceeds charge of ${charge.amount_cents}`);
    const inserted = await this.db.query<{ id: string }>(
      `INSERT INTO test_gateway_refunds (id, idempotency_key, payment_intent_id, amount_cents) VALUES ($1, $2, $3, $4)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [newId('re_test'), req.idempotencyKey, req.providerId, req.amountCents],
    );
    if (inserted.rows[0]) return { refundId: inserted.rows[0].id };
    const existing = (
      await this.db.query<{ id: string; payment_intent_id: string; amount_cents: number }>(
        'SELECT id, payment_intent_id, amount_cents FROM test_gateway_refunds WHERE idempotency_key = $1',
        [req.idempotencyKey],
      )
    ).rows[0];
    if (!existing || existing.payment_intent_id !== req.providerId || existing.amount_cents !== req.amountCents) {
      throw new IdempotencyKeyReusedError('Refund idempotency key reused with other parameters');
    }
    return { refundId: existing.id };
  }
}
