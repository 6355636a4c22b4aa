-- One row per call we make (or are about to make) to the payment provider for an order, written BEFORE the call.
-- Its idempotency key is what the provider deduplicates on, so a retry of the same attempt (a double click, a client
-- retry, the reconciler after a crash) can never charge twice. A new attempt (and key) exists only after the previous
-- one ended without a charge (declined / rejected token): the partial unique index allows one pending attempt per
-- order, so at most one charge can be in flight for an order at any moment.
CREATE TABLE payment_attempts (
  id              uuid        PRIMARY KEY,
  order_id        uuid        NOT NULL REFERENCES orders (id),
  attempt_no      integer     NOT NULL CHECK (attempt_no >= 1),
  idempotency_key text        NOT NULL UNIQUE,
  amount_cents    integer     NOT NULL CHECK (amount_cents > 0),
  currency        text        NOT NULL,
  -- Kept so the reconciler can replay the identical request (the provider rejects a key reused with other parameters).
  token           text        NOT NULL,
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'declined', 'failed')),
  provider_id     text,
  failure_message text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, attempt_no)
);
CREATE UNIQUE INDEX payment_attempts_one_pending_per_order ON payment_attempts (order_id) WHERE status = 'pending';
CREATE INDEX payment_attempts_pending_idx ON payment_attempts (created_at) WHERE status = 'pending';

-- A charge that succeeded. One per order, ever: the unique key is what turns a second concurrent store into a 409.
CREATE TABLE payments (
  id           uuid        PRIMARY KEY,
  order_id     uuid        NOT NULL UNIQUE REFERENCES orders (id),
  attempt_id   uuid        NOT NULL UNIQUE REFERENCES payment_attempts (id),
  amount_cents integer     NOT NULL CHECK (amount_cents > 0),
  currency     text        NOT NULL,
  provider_id  text        NOT NULL UNIQUE,
  status       text        NOT NULL DEFAULT 'succeeded' CHECK (status IN ('succeeded', 'refunded')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  refunded_at  timestamptz
);

-- A refund we owe (orders rejected the payment). Written and committed before the provider is called, so a refund
-- survives the triggering message being dropped after max_deliver: the retrier works this table until it is done.
CREATE TABLE refunds (
  id              uuid        PRIMARY KEY,
  payment_id      uuid        NOT NULL UNIQUE REFERENCES payments (id),
  order_id        uuid        NOT NULL,
  amount_cents    integer     NOT NULL CHECK (amount_cents > 0),
  -- Always the payment id (DESIGN.md "Late payment"): every retry asks the provider for the same refund.
  idempotency_key text        NOT NULL UNIQUE,
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded')),
  provider_refund_id text,
  attempts        integer     NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  refunded_at     timestamptz
);
CREATE INDEX refunds_pending_idx ON refunds (next_attempt_at) WHERE status = 'pending';
