-- Issue 16: listings of several tickets, orders of k of them. Runs on a database left by 0001, with its data: every
-- replica ticket becomes a one-ticket listing (listing id = ticket id) under the catalogue event LEGACY_EVENT_ID,
-- every order an order of one ticket at its price, without fees. catalog-events/0001 (common) ran before this file.

-- The listings replica, fed by listing.changed (a whole snapshot: the highest version wins). Orders decides holds
-- itself from order_tickets; the listing row is what it copies into an order and locks while taking tickets.
CREATE TABLE listings (
  id               uuid        PRIMARY KEY,
  event_id         uuid        NOT NULL,
  seller_id        uuid        NOT NULL,
  section          text        NOT NULL,
  row              text,
  price_cents      integer     NOT NULL CHECK (price_cents > 0),
  face_value_cents integer     NOT NULL CHECK (face_value_cents > 0),
  split            text        NOT NULL CHECK (split IN ('any', 'even', 'all', 'no-single')),
  delivery         text        NOT NULL CHECK (delivery IN ('instant', 'later')),
  status           text        NOT NULL CHECK (status IN ('active', 'sold', 'withdrawn')),
  version          integer     NOT NULL CHECK (version >= 0),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- A listing's tickets never change after it is created (seats are fixed), so each is inserted once. `position` is the
-- ticket's place in the listing's seat order: adjacent positions are adjacent seats.
CREATE TABLE listing_tickets (
  id         uuid    PRIMARY KEY,
  listing_id uuid    NOT NULL REFERENCES listings (id),
  seat       text,
  position   integer NOT NULL CHECK (position >= 0),
  UNIQUE (listing_id, position)
);

-- The catalogue event that tickets listed before events existed were moved under (common's LEGACY_EVENT_ID), only
-- when there are such tickets; the same fields tickets' and catalog's migrations use.
INSERT INTO catalog_events (id, version, name, category, venue, time_zone, starts_at, status)
SELECT '00000000-0000-4000-8000-00000000e001', 0, 'Listings from before events', 'other',
       '{"name": "Venue to be announced", "city": "To be announced", "country": "US"}'::jsonb, 'UTC',
       '2027-12-31T20:00:00Z', 'scheduled'
WHERE EXISTS (SELECT 1 FROM tickets)
ON CONFLICT (id) DO NOTHING;

-- A migrated listing is sold when an order completed its one ticket; its next listing.changed (tickets' migration
-- writes one) brings tickets' own view when its version is higher.
INSERT INTO listings (id, event_id, seller_id, section, row, price_cents, face_value_cents, split, delivery, status, version)
SELECT t.id, '00000000-0000-4000-8000-00000000e001', t.user_id, 'General admission', NULL, t.price_cents, t.price_cents,
       'any', 'later',
       CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.ticket_id = t.id AND o.status = 'complete') THEN 'sold' ELSE 'active' END,
       t.version
FROM tickets t;

INSERT INTO listing_tickets (id, listing_id, seat, position) SELECT id, id, NULL, 0 FROM tickets;

-- Orders of k tickets: what the order fixed when it was created (listing, seller, section, row, prices, fees) is
-- copied into it, so later edits of the listing never change what the buyer pays (invariant 4).
ALTER TABLE orders
  ADD COLUMN listing_id       uuid REFERENCES listings (id),
  ADD COLUMN event_id         uuid,
  ADD COLUMN seller_id        uuid,
  ADD COLUMN section          text,
  ADD COLUMN row              text,
  ADD COLUMN quantity         integer,
  ADD COLUMN unit_price_cents integer,
  ADD COLUMN buyer_fee_cents  integer,
  ADD COLUMN seller_fee_cents integer,
  ADD COLUMN total_cents      integer,
  -- When the order stopped holding (cancelled, expired, rejected) or completed: the fair-hold cooldown counts
  -- releases by it. Migrated orders did not record it: an expired one ended at its expiry, any other when created.
  ADD COLUMN ended_at         timestamptz;

UPDATE orders o
SET listing_id = o.ticket_id,
    event_id = '00000000-0000-4000-8000-00000000e001',
    seller_id = t.user_id,
    section = 'General admission',
    quantity = 1,
    unit_price_cents = o.price_cents,
    buyer_fee_cents = 0,
    seller_fee_cents = 0,
    total_cents = o.price_cents,
    ended_at = CASE
      WHEN o.status = 'cancelled' AND o.cancel_reason = 'expired' THEN o.expires_at
      WHEN o.status IN ('cancelled', 'complete') THEN o.created_at
    END
FROM tickets t
WHERE t.id = o.ticket_id;

ALTER TABLE orders
  ALTER COLUMN listing_id SET NOT NULL,
  ALTER COLUMN event_id SET NOT NULL,
  ALTER COLUMN seller_id SET NOT NULL,
  ALTER COLUMN section SET NOT NULL,
  ALTER COLUMN quantity SET NOT NULL,
  ALTER COLUMN unit_price_cents SET NOT NULL,
  ALTER COLUMN buyer_fee_cents SET NOT NULL,
  ALTER COLUMN seller_fee_cents SET NOT NULL,
  ALTER COLUMN total_cents SET NOT NULL,
  ADD CONSTRAINT orders_quantity_check CHECK (quantity BETWEEN 1 AND 100),
  ADD CONSTRAINT orders_unit_price_check CHECK (unit_price_cents > 0),
  ADD CONSTRAINT orders_fees_check CHECK (buyer_fee_cents >= 0 AND seller_fee_cents >= 0),
  ADD CONSTRAINT orders_total_check CHECK (total_cents = quantity * unit_price_cents + buyer_fee_cents),
  ADD CONSTRAINT orders_ended_check CHECK ((status IN ('created', 'awaiting:payment')) = (ended_at IS NULL)),
  DROP CONSTRAINT orders_cancel_reason_check,
  ADD CONSTRAINT orders_cancel_reason_check
    CHECK (cancel_reason IN ('expired', 'cancelled', 'payment_rejected', 'event_cancelled', 'not_delivered'));

-- Which tickets an order holds. `active` is true while the order holds or owns them (created, awaiting:payment,
-- complete) and false once it ended otherwise; every status change of an order sets it in the same statement.
CREATE TABLE order_tickets (
  order_id  uuid    NOT NULL REFERENCES orders (id),
  ticket_id uuid    NOT NULL REFERENCES listing_tickets (id),
  seat      text,
  position  integer NOT NULL,
  active    boolean NOT NULL,
  PRIMARY KEY (order_id, ticket_id)
);

INSERT INTO order_tickets (order_id, ticket_id, seat, position, active)
SELECT id, ticket_id, NULL, 0, status IN ('created', 'awaiting:payment', 'complete') FROM orders;

-- Invariant 1, still enforced by the database, now per ticket of a listing: at most one active order holds or owns a
-- ticket. Whatever the application checks before, two inserts of the same ticket cannot both commit.
CREATE UNIQUE INDEX order_tickets_one_active_per_ticket ON order_tickets (ticket_id) WHERE active;

DROP INDEX orders_one_active_per_ticket;
ALTER TABLE orders DROP COLUMN ticket_id, DROP COLUMN price_cents;
DROP TABLE tickets;

-- The holds a new order on a listing sweeps when they ran out; a buyer's holds and releases (fair holds).
CREATE INDEX orders_holding_by_listing_idx ON orders (listing_id, expires_at) WHERE status = 'created';
CREATE INDEX orders_by_user_listing_idx ON orders (user_id, listing_id, ended_at);
