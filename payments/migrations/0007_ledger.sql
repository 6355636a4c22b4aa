-- Issue 18: a double-entry ledger of every money movement. Append-only and balanced, both enforced here so that no
-- code path (ours, a migration, a psql session) can edit history or post money that comes from nowhere.
-- Sign: + debit, − credit. Assets (buyer_funds) carry a debit (positive) balance; what we owe or earned (fees,
-- payables, refunds owed) a credit (negative) one. Balances are sums of entries (ledger_balances), never stored.
CREATE TABLE ledger_transactions (
  id         uuid        PRIMARY KEY,
  -- charge: a buyer's payment received. refund_owed: the sale reversed when a refund is recorded (fees and the
  -- seller's payable back, owed to the buyer). refund: the money returned to the buyer by the provider.
  -- payout / reversal: transfers to sellers and their reversals (issue 18's payouts).
  kind       text        NOT NULL CHECK (kind IN ('charge', 'refund_owed', 'refund', 'payout', 'reversal')),
  order_id   uuid        NOT NULL,
  payment_id uuid        REFERENCES payments (id),
  refund_id  uuid        REFERENCES refunds (id),
  payout_id  uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'charge' OR payment_id IS NOT NULL),
  CHECK (kind NOT IN ('refund_owed', 'refund') OR refund_id IS NOT NULL)
);
-- Each movement is posted once: a second posting of the same charge or refund is a unique violation.
CREATE UNIQUE INDEX ledger_one_charge_per_payment ON ledger_transactions (payment_id) WHERE kind = 'charge';
CREATE UNIQUE INDEX ledger_one_refund_owed_per_refund ON ledger_transactions (refund_id) WHERE kind = 'refund_owed';
CREATE UNIQUE INDEX ledger_one_refund_per_refund ON ledger_transactions (refund_id) WHERE kind = 'refund';
CREATE INDEX ledger_transactions_order_idx ON ledger_transactions (order_id);

CREATE TABLE ledger_entries (
  transaction_id uuid    NOT NULL REFERENCES ledger_transactions (id),
  line           integer NOT NULL CHECK (line >= 1),
  -- buyer_funds, platform_fees:buyer, platform_fees:seller, seller_payable:<sellerId>, seller_paid:<sellerId>, refunds.
  account        text    NOT NULL CHECK (account ~ '^(buyer_funds|refunds|platform_fees:(buyer|seller)|seller_(payable|paid):[0-9a-z-]+)$'),
  amount_cents   bigint  NOT NULL CHECK (amount_cents <> 0),
  PRIMARY KEY (transaction_id, line)
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account);

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- Checked at COMMIT (deferred), once all of a transaction's lines are in: they sum to zero, and there are at least two.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- TG_ARGV[0]: the column naming the ledger transaction in the table the trigger is on.
  tx_id uuid := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid;
  total bigint;
  lines integer;
BEGIN
  SELECT coalesce(sum(amount_cents), 0), count(*) INTO total, lines FROM ledger_entries WHERE transaction_id = tx_id;
  IF total <> 0 OR lines < 2 THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: % lines summing to % cents', tx_id, lines, total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced('transaction_id');
CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced('id');

CREATE VIEW ledger_balances AS
  SELECT account, sum(amount_cents)::bigint AS balance_cents FROM ledger_entries GROUP BY account;

-- The postings, as SQL functions so the back-fill below and the service post exactly the same lines.
-- A charge: cash in = total, credited to the buyer fee, the seller fee and the seller's share (total = share + fees).
CREATE FUNCTION ledger_post_charge(p_tx uuid, p_payment uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO ledger_transactions (id, kind, order_id, payment_id, created_at)
  SELECT p_tx, 'charge', p.order_id, p.id, p.created_at FROM payments p WHERE p.id = p_payment;
  INSERT INTO ledger_entries (transaction_id, line, account, amount_cents)
  SELECT p_tx, row_number() OVER (ORDER BY l.n), l.account, l.amount FROM payments p JOIN orders o ON o.id = p.order_id,
    LATERAL (VALUES (1, 'buyer_funds', p.amount_cents::bigint),
                    (2, 'platform_fees:buyer', -o.buyer_fee_cents::bigint),
                    (3, 'platform_fees:seller', -o.seller_fee_cents::bigint),
                    (4, 'seller_payable:' || coalesce(o.seller_id::text, 'unknown'), -(o.quantity * o.unit_price_cents - o.seller_fee_cents)::bigint)) AS l(n, account, amount)
  WHERE p.id = p_payment AND l.amount <> 0;
$$;
-- A refund recorded: the charge's fee and payable lines reversed, the whole amount owed to the buyer (refunds).
CREATE FUNCTION ledger_post_refund_owed(p_tx uuid, p_refund uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO ledger_transactions (id, kind, order_id, payment_id, refund_id, created_at)
  SELECT p_tx, 'refund_owed', r.order_id, r.payment_id, r.id, r.created_at FROM refunds r WHERE r.id = p_refund;
  INSERT INTO ledger_entries (transaction_id, line, account, amount_cents)
  SELECT p_tx, row_number() OVER (ORDER BY e.line), e.account, -e.amount_cents
    FROM refunds r
    JOIN ledger_transactions c ON c.payment_id = r.payment_id AND c.kind = 'charge'
    JOIN ledger_entries e ON e.transaction_id = c.id AND e.account <> 'buyer_funds'
   WHERE r.id = p_refund
  UNION ALL
  SELECT p_tx, 100, 'refunds', -r.amount_cents FROM refunds r WHERE r.id = p_refund;
$$;
-- A refund paid by the provider: cash out, the debt to the buyer settled.
CREATE FUNCTION ledger_post_refund(p_tx uuid, p_refund uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO ledger_transactions (id, kind, order_id, payment_id, refund_id, created_at)
  -- Never dated before the refund was recorded: the event's transaction that pays it back may have started earlier.
  SELECT p_tx, 'refund', r.order_id, r.payment_id, r.id, greatest(coalesce(r.refunded_at, now()), r.created_at) FROM refunds r WHERE r.id = p_refund;
  INSERT INTO ledger_entries (transaction_id, line, account, amount_cents)
  SELECT p_tx, l.n, l.account, l.amount FROM refunds r,
    LATERAL (VALUES (1, 'refunds', r.amount_cents::bigint), (2, 'buyer_funds', -r.amount_cents::bigint)) AS l(n, account, amount)
  WHERE r.id = p_refund;
$$;

-- Back-fill: a database of the previous version already holds payments and refunds; their postings make the
-- balances true from the first day of the ledger.
SELECT ledger_post_charge(gen_random_uuid(), id) FROM payments ORDER BY created_at;
SELECT ledger_post_refund_owed(gen_random_uuid(), id) FROM refunds ORDER BY created_at;
SELECT ledger_post_refund(gen_random_uuid(), id) FROM refunds WHERE status = 'succeeded' ORDER BY created_at;
