-- A replica of the catalogue's events (catalog owns them), fed by event.scheduled / event.updated / event.cancelled.
-- Every event.* carries the whole event, so the newest version wins and older or repeated ones change nothing.
CREATE TABLE catalog_events (
  id         uuid        PRIMARY KEY,
  version    integer     NOT NULL CHECK (version >= 0),
  name       text        NOT NULL,
  category   text        NOT NULL,
  venue      jsonb       NOT NULL,
  time_zone  text        NOT NULL,
  starts_at  timestamptz NOT NULL,
  status     text        NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
