-- The tickets replica: what orders needs to know about a listing, fed by ticket.created / ticket.updated.
-- `version` is the listing's version at tickets; a change n is applied only on top of n-1 (DESIGN.md invariant 5).
CREATE TABLE tickets (
  id          uuid    PRIMARY KEY,
  title       text    NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents > 0),
  user_id     uuid    NOT NULL,
  version     integer NOT NULL CHECK (version >= 0)
);

CREATE TABLE orders (
  id            uuid        PRIMARY KEY,
  user_id       uuid        NOT NULL,
  ticket_id     uuid        NOT NULL REFERENCES tickets (id),
  status        text        NOT NULL CHECK (status IN ('created', 'cancelled', 'awaiting:payment', 'complete')),
  expires_at    timestamptz NOT NULL,
  -- What the buyer pays, copied from the listing when the order is created; later price edits do not touch it.
  price_cents   integer     NOT NULL CHECK (price_cents > 0),
  version       integer     NOT NULL DEFAULT 0 CHECK (version >= 0),
  payment_id    uuid,
  cancel_reason text        CHECK (cancel_reason IN ('expired', 'cancelled', 'payment_rejected')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)),
  CHECK (status <> 'complete' OR payment_id IS NOT NULL)
);

-- Invariant 1, enforced by the database: at most one order holding or owning a ticket. Two buyers racing both
-- try to insert; the second insert fails with a unique violation on this index (mapped to 409), whatever the timing.
CREATE UNIQUE INDEX orders_one_active_per_ticket ON orders (ticket_id)
  WHERE status IN ('created', 'awaiting:payment', 'complete');

CREATE INDEX orders_by_user_idx ON orders (user_id, created_at DESC, id DESC);
