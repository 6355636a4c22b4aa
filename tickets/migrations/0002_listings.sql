-- Listings of several tickets for a catalogue event (issue 16). Forward-only, on a database left by 0001 (with data):
-- every old ticket becomes a one-ticket listing whose id is the ticket's id (so order events of version 1, which name
-- the ticket, read as that listing: common/src/events/contracts.ts), under the catalogue event LEGACY_EVENT_ID.
-- The replica table catalog_events exists already: its migration (catalog-events/) runs before tickets/.

CREATE TABLE listings (
  id               uuid        PRIMARY KEY,
  event_id         uuid        NOT NULL,
  seller_id        uuid        NOT NULL,
  section          text        NOT NULL CHECK (char_length(section) BETWEEN 1 AND 100),
  row              text        CHECK (char_length(row) BETWEEN 1 AND 20),
  price_cents      integer     NOT NULL CHECK (price_cents > 0 AND price_cents <= 10000000),
  face_value_cents integer     NOT NULL CHECK (face_value_cents > 0 AND face_value_cents <= 10000000),
  split            text        NOT NULL CHECK (split IN ('any', 'even', 'all', 'no-single')),
  delivery         text        NOT NULL DEFAULT 'later' CHECK (delivery IN ('instant', 'later')),
  -- withdrawn: the seller withdrew it (final); else sold when no ticket is available or held; else active.
  status           text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'sold', 'withdrawn')),
  -- How many of its tickets are available: recounted by the statement that bumps version (every change does), so the
  -- event's page filters and sorts on the listing row alone.
  available        integer     NOT NULL CHECK (available BETWEEN 0 AND 100),
  version          integer     NOT NULL DEFAULT 0 CHECK (version >= 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
-- GET /api/listings?eventId=: the event's active listings cheapest first, keyset on (price_cents, id).
CREATE INDEX listings_event_price_idx ON listings (event_id, price_cents, id) WHERE status = 'active';
-- GET /api/listings?sellerId=: every listing of one seller, newest first.
CREATE INDEX listings_seller_idx ON listings (seller_id, created_at DESC, id DESC);

-- The event the old tickets move under, as catalog will create it (docs/services/tickets.md "Migration"); only when
-- there is something to put under it, so a fresh database has no placeholder event.
INSERT INTO catalog_events (id, version, name, category, venue, time_zone, starts_at, status)
SELECT '00000000-0000-4000-8000-00000000e001', 0, 'Listings from before events', 'other',
       '{"name": "Venue to be announced", "city": "To be announced", "country": "US"}'::jsonb, 'UTC',
       '2027-12-31T20:00:00Z', 'scheduled'
 WHERE EXISTS (SELECT 1 FROM tickets)
ON CONFLICT (id) DO NOTHING;

-- One listing per old ticket. The migration is a change to it, so its version moves on by one (a replica holding
-- the old ticket's version applies the snapshot written below).
INSERT INTO listings (id, event_id, seller_id, section, row, price_cents, face_value_cents, split, delivery, status, available,
                      version, created_at, updated_at)
SELECT id, '00000000-0000-4000-8000-00000000e001', user_id, 'General admission', NULL, price_cents, price_cents, 'any', 'later',
       CASE WHEN status = 'sold' THEN 'sold' ELSE 'active' END,
       CASE WHEN status = 'available' THEN 1 ELSE 0 END,
       version + 1, created_at, now()
  FROM tickets;

-- Tickets become the listing's admissions: a ticket is its listing's ticket number `position` (seat order), with a
-- seat label or none (unnumbered admission). Price, seller and version now live on the listing.
ALTER TABLE tickets DROP CONSTRAINT tickets_hold_matches_status;
ALTER TABLE tickets DROP CONSTRAINT tickets_status_check;
ALTER TABLE tickets ADD COLUMN listing_id uuid REFERENCES listings (id);
ALTER TABLE tickets ADD COLUMN seat text CHECK (char_length(seat) BETWEEN 1 AND 20);
ALTER TABLE tickets ADD COLUMN position integer CHECK (position BETWEEN 1 AND 100);
UPDATE tickets SET listing_id = id, position = 1, status = CASE WHEN status = 'reserved' THEN 'held' ELSE status END;
ALTER TABLE tickets ALTER COLUMN listing_id SET NOT NULL;
ALTER TABLE tickets ALTER COLUMN position SET NOT NULL;
ALTER TABLE tickets ADD CONSTRAINT tickets_status_check CHECK (status IN ('available', 'held', 'sold', 'withdrawn'));
-- Held or sold ⇔ an order; available or withdrawn ⇔ none: whatever the code does.
ALTER TABLE tickets ADD CONSTRAINT tickets_hold_matches_status CHECK ((status IN ('held', 'sold')) = (order_id IS NOT NULL));
ALTER TABLE tickets ADD CONSTRAINT tickets_position_unique UNIQUE (listing_id, position);
-- Seat labels are distinct within a listing (NULLs, unnumbered tickets, never collide).
ALTER TABLE tickets ADD CONSTRAINT tickets_seat_unique UNIQUE (listing_id, seat);
-- Dropping the columns drops their indexes (the old listing, per seller, and the title search).
ALTER TABLE tickets DROP COLUMN title, DROP COLUMN price_cents, DROP COLUMN user_id, DROP COLUMN version;
DROP EXTENSION IF EXISTS pg_trgm;

-- What the listeners know of an order is now per order: the listing and the tickets it holds.
ALTER TABLE known_orders ADD COLUMN listing_id uuid REFERENCES listings (id);
ALTER TABLE known_orders ADD COLUMN ticket_ids uuid[];
UPDATE known_orders SET listing_id = ticket_id, ticket_ids = ARRAY[ticket_id];
ALTER TABLE known_orders ALTER COLUMN listing_id SET NOT NULL;
ALTER TABLE known_orders ALTER COLUMN ticket_ids SET NOT NULL;
ALTER TABLE known_orders DROP COLUMN ticket_id;
CREATE INDEX known_orders_listing_idx ON known_orders (listing_id, expires_at DESC);

-- Catalog and orders learn the migrated listings the way they learn any change: one listing.changed snapshot each
-- (common/src/events/contracts.ts listingChangedSchema), published by the relay after this commits.
INSERT INTO outbox (event_id, subject, aggregate_key, payload)
SELECT gen_random_uuid(), 'listing.changed', 'listing:' || l.id,
       jsonb_build_object(
         'id', l.id, 'eventId', l.event_id, 'sellerId', l.seller_id, 'version', l.version, 'status', l.status,
         'section', l.section, 'row', l.row, 'priceCents', l.price_cents, 'faceValueCents', l.face_value_cents,
         'split', l.split, 'delivery', l.delivery, 'available', l.available,
         'tickets', (SELECT jsonb_agg(jsonb_build_object('id', t.id, 'seat', t.seat, 'status', t.status) ORDER BY t.position)
                       FROM tickets t WHERE t.listing_id = l.id))
  FROM listings l
 ORDER BY l.created_at, l.id;
