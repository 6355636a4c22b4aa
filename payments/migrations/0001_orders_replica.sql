-- What payments knows about orders: a replica fed by order.created / order.cancelled / order.completed.
-- `version` is the orders service's; an event applies only on top of the version before it (DESIGN.md invariant 5).
CREATE TABLE orders (
  id          uuid        PRIMARY KEY,
  version     integer     NOT NULL CHECK (version >= 0),
  user_id     uuid        NOT NULL,
  ticket_id   uuid        NOT NULL,
  -- The price fixed when the order was created: what the buyer is charged (invariant 3, 7).
  price_cents integer     NOT NULL CHECK (price_cents > 0),
  status      text        NOT NULL CHECK (status IN ('created', 'cancelled', 'awaiting:payment', 'complete')),
  expires_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
