import { randomUUID } from 'node:crypto';
import type { Queryable } from '@ticketing/common';

// The postings themselves are SQL functions (migration 0007), shared with the back-fill of older databases, so the
// service and the migration write exactly the same lines. Every call must run in the transaction of the change it
// records; the database checks at commit that each transaction balances.

export type LedgerKind = 'charge' | 'refund_owed' | 'refund' | 'payout' | 'reversal';

export interface LedgerEntry {
  transactionId: string;
  kind: LedgerKind;
  orderId: string;
  paymentId: string | null;
  refundId: string | null;
  account: string;
  amountCents: number;
}

/** A stored payment: cash in (its amount) against the buyer fee, the seller fee and the seller's share. */
export async function postCharge(db: Queryable, paymentId: string): Promise<void> {
  await db.query('SELECT ledger_post_charge($1, $2)', [randomUUID(), paymentId]);
}

/**
 * A refund recorded: its charge's fee and payable lines reversed and the amount owed to the buyer. Once per refund:
 * recording the same refund again (redelivery, retrier) posts nothing (and a unique index backs this).
 */
export async function postRefundOwedOnce(db: Queryable, refundId: string): Promise<void> {
  // A payment stored by a process of the previous version during a deploy has no charge posted yet: post it first, or
  // the reversal would have nothing to reverse (and would not balance).
  await db.query(
    `SELECT ledger_post_charge($1, r.payment_id) FROM refunds r
      WHERE r.id = $2 AND NOT EXISTS (SELECT 1 FROM ledger_transactions WHERE payment_id = r.payment_id AND kind = 'charge')`,
    [randomUUID(), refundId],
  );
  await db.query(
    `SELECT ledger_post_refund_owed($1, $2)
      WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions WHERE refund_id = $2 AND kind = 'refund_owed')`,
    [randomUUID(), refundId],
  );
}

/** The provider paid the refund back: cash out, the debt to the buyer settled. */
export async function postRefundPaid(db: Queryable, refundId: string): Promise<void> {
  await db.query('SELECT ledger_post_refund($1, $2)', [randomUUID(), refundId]);
}

export async function ledgerEntriesOfOrder(db: Queryable, orderId: string): Promise<LedgerEntry[]> {
  const res = await db.query<LedgerEntry>(
    `SELECT t.id AS "transactionId", t.kind, t.order_id AS "orderId", t.payment_id AS "paymentId", t.refund_id AS "refundId",
            e.account, e.amount_cents::int AS "amountCents"
       FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
      WHERE t.order_id = $1 ORDER BY t.created_at, t.id, e.line`,
    [orderId],
  );
  return res.rows;
}

/** Every account's balance, derived from the entries (+ debit, − credit). Accounts never posted are absent. */
export async function ledgerBalances(db: Queryable): Promise<Record<string, number>> {
  const res = await db.query<{ account: string; balance: number }>('SELECT account, balance_cents::int AS balance FROM ledger_balances');
  return Object.fromEntries(res.rows.map((r) => [r.account, r.balance]));
}
