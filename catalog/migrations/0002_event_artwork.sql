-- Event artwork: the image an admin uploads, resized to the sizes the pages use and kept in the catalogue's own
-- database (the original is not kept). Two WebP files of some tens to a few hundred kB per event: fine in PostgreSQL
-- at this scale (docs/services/catalog.md, "Artwork", says where the limit is).

-- Each size's version (the ETag of its bytes), on the event itself: the event's JSON builds the artwork's URLs from
-- it without a join, and the guarded UPDATE that bumps the version sets it in the same statement. NULL: no artwork.
ALTER TABLE events ADD COLUMN artwork jsonb
  CHECK (artwork IS NULL OR (jsonb_typeof(artwork->'card') = 'string' AND jsonb_typeof(artwork->'hero') = 'string'));

CREATE TABLE event_artwork (
  event_id     uuid        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  size         text        NOT NULL CHECK (size IN ('card', 'hero')),
  content_type text        NOT NULL CHECK (content_type = 'image/webp'),
  bytes        bytea       NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 5242880),
  etag         text        NOT NULL CHECK (etag ~ '^[A-Za-z0-9_-]{16,64}$'),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, size)
);
-- WebP is compressed already: store the bytes out of line as they are, without TOAST trying to compress them again.
ALTER TABLE event_artwork ALTER COLUMN bytes SET STORAGE EXTERNAL;
