-- Listings. A ticket is free (available, no order) or held/bought by exactly one order (reserved/sold + order_id):
-- the CHECK makes any other combination impossible, whatever the code does.
-- pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE tickets (
  id          uuid        PRIMARY KEY,
  title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  price_cents integer     NOT NULL CHECK (price_cents > 0 AND price_cents <= 10000000),
  user_id     uuid        NOT NULL,
  status      text        NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'reserved', 'sold')),
  order_id    uuid,
  version     integer     NOT NULL DEFAULT 0 CHECK (version >= 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tickets_hold_matches_status CHECK ((status = 'available') = (order_id IS NULL))
);

-- GET /api/tickets: available tickets newest first, keyset-paginated on (created_at, id).
CREATE INDEX tickets_listing_idx ON tickets (status, created_at DESC, id DESC);
-- GET /api/tickets?sellerId=: every ticket of one seller, same order.
CREATE INDEX tickets_seller_idx ON tickets (user_id, created_at DESC, id DESC);
-- ?q=: case-insensitive substring search; a trigram index serves LIKE '%...%' on lower(title).
CREATE INDEX tickets_title_trgm_idx ON tickets USING gin (lower(title) gin_trgm_ops);

-- Every order the listeners have heard of, per ticket. Events of different orders arrive in any order (and a naked
-- event comes back later), so the listeners decide from this memory, not from arrival order:
--   * an order.created for an order already cancelled/completed does not hold the ticket again;
--   * an order.created for an order older than one already seen for the ticket (by expires_at: orders only creates a
--     new order once the previous one has ended, so a newer order always expires later) does not take the hold.
CREATE TABLE known_orders (
  order_id   uuid        PRIMARY KEY,
  ticket_id  uuid        NOT NULL REFERENCES tickets (id),
  state      text        NOT NULL CHECK (state IN ('created', 'cancelled', 'completed')),
  -- Known once order.created has been seen (a cancellation may arrive first).
  expires_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX known_orders_ticket_idx ON known_orders (ticket_id, expires_at DESC);
