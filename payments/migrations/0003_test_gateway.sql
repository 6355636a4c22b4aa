-- The built-in test gateway's ledger (used when no Stripe key is configured). It lives in PostgreSQL, not in memory,
-- so its idempotency holds across replicas and restarts exactly as the real provider's would.
CREATE TABLE test_gateway_charges (
  id              text        PRIMARY KEY,
  idempotency_key text        NOT NULL UNIQUE,
  amount_cents    integer     NOT NULL,
  currency        text        NOT NULL,
  token           text        NOT NULL,
  status          text        NOT NULL CHECK (status IN ('succeeded', 'declined', 'invalid_token')),
  message         text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE test_gateway_refunds (
  id                text        PRIMARY KEY,
  idempotency_key   text        NOT NULL UNIQUE,
  payment_intent_id text        NOT NULL REFERENCES test_gateway_charges (id),
  amount_cents      integer     NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
-- The provider refunds a charge at most once in full, whatever key is used.
CREATE UNIQUE INDEX test_gateway_refunds_one_per_charge ON test_gateway_refunds (payment_intent_id);
