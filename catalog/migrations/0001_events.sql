-- The catalogue: events people attend, curated by admins. Times are stored in UTC (timestamptz) with the venue's IANA
-- zone beside them, so pages can show the local time on either side of a daylight-saving change.
-- pg_trgm and unaccent are trusted extensions (PostgreSQL 13+): the database owner may create them without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- How search text is compared: lower case, accents gone ("Zürich" finds "Zurich"). unaccent() is only STABLE because
-- it looks its dictionary up through the search_path; naming the dictionary makes the result depend on the input
-- alone, so the function may be IMMUTABLE and feed a generated column and indexes.
CREATE FUNCTION catalog_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1));

CREATE TABLE events (
  id            uuid        PRIMARY KEY,
  name          text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  category      text        NOT NULL CHECK (category IN ('concert', 'sports', 'theatre', 'comedy', 'festival', 'other')),
  venue_name    text        NOT NULL CHECK (char_length(venue_name) BETWEEN 1 AND 200),
  venue_city    text        NOT NULL CHECK (char_length(venue_city) BETWEEN 1 AND 100),
  -- ISO 3166-1 alpha-2; the API checks the code is a real region.
  venue_country text        NOT NULL CHECK (venue_country ~ '^[A-Z]{2}$'),
  -- IANA name, checked by the API against the runtime's zone data (PostgreSQL's own may be older or newer).
  time_zone     text        NOT NULL CHECK (char_length(time_zone) BETWEEN 1 AND 64),
  starts_at     timestamptz NOT NULL,
  -- 'cancelled' is final. "Over" is not a status: it is starts_at <= now(), decided by the database clock.
  status        text        NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
  version       integer     NOT NULL DEFAULT 0 CHECK (version >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  search_text   text        GENERATED ALWAYS AS (catalog_fold(name || ' ' || venue_name || ' ' || venue_city)) STORED
);

-- Browsing only ever reads scheduled events, soonest first, keyset-paginated on (starts_at, id): partial indexes in
-- that order, one per filter that narrows a lot.
CREATE INDEX events_upcoming_idx ON events (starts_at, id) WHERE status = 'scheduled';
CREATE INDEX events_city_idx ON events (catalog_fold(venue_city), starts_at, id) WHERE status = 'scheduled';
CREATE INDEX events_category_idx ON events (category, starts_at, id) WHERE status = 'scheduled';
-- ?q=: each word of the query is matched against name, venue and city with pg_trgm's word similarity (`<%`), which
-- this index answers; typos and word order do not matter to trigrams. fastupdate off: events are added rarely, and a
-- pending list of unmerged entries would make every search slower and the planner shy of the index until a vacuum.
CREATE INDEX events_search_trgm_idx ON events USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)
  WHERE status = 'scheduled';

-- The read model of listings, fed by tickets' listing.changed (a whole snapshot per version): the newest version
-- seen wins, so a late or repeated event never takes a listing back. Not a foreign key to events: events are ours,
-- listings are tickets', and the two streams do not wait for each other.
CREATE TABLE listings (
  id          uuid        PRIMARY KEY,
  event_id    uuid        NOT NULL,
  version     integer     NOT NULL CHECK (version >= 0),
  status      text        NOT NULL CHECK (status IN ('active', 'sold', 'withdrawn')),
  available   integer     NOT NULL CHECK (available >= 0),
  price_cents integer     NOT NULL CHECK (price_cents > 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- An event's summary: the listings on sale now, cheapest first (count, sum and min from one index range).
CREATE INDEX listings_on_sale_idx ON listings (event_id, price_cents) INCLUDE (available) WHERE status = 'active' AND available > 0;
