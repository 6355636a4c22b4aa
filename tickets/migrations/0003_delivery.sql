-- Delivery (issue 17): ticket items sealed at rest, one barcode per sale, deliveries with deadlines, reads and fraud
-- signals. Forward-only; existing rows keep working (no item, no buyer known for old orders).

-- An instant listing waits in `pending` (not on sale) until every ticket has its item.
ALTER TABLE listings DROP CONSTRAINT listings_status_check;
ALTER TABLE listings ADD CONSTRAINT listings_status_check CHECK (status IN ('pending', 'active', 'sold', 'withdrawn'));

-- The sealed item of a ticket (DatabaseItemStore): AES-256-GCM under key_id, the ticket id as associated data. The
-- barcode and the PDF exist only inside ciphertext; has_pdf and size are what the routes may say without opening it.
CREATE TABLE ticket_items (
  ticket_id  uuid        PRIMARY KEY REFERENCES tickets (id),
  key_id     text        NOT NULL CHECK (char_length(key_id) BETWEEN 1 AND 32),
  iv         bytea       NOT NULL CHECK (octet_length(iv) = 12),
  auth_tag   bytea       NOT NULL CHECK (octet_length(auth_tag) = 16),
  ciphertext bytea       NOT NULL,
  has_pdf    boolean     NOT NULL,
  size       integer     NOT NULL CHECK (size >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Rotation walks the items still sealed under an old key.
CREATE INDEX ticket_items_key_idx ON ticket_items (key_id, ticket_id);

-- item_fingerprint: HMAC-SHA256 of the normalised barcode. One barcode, one sale: unique among tickets on sale, held or
-- sold; a withdrawn ticket (by its seller, or after a missed delivery) leaves the set, so its barcode may be listed again.
ALTER TABLE tickets ADD COLUMN item_fingerprint bytea CHECK (octet_length(item_fingerprint) = 32);
ALTER TABLE tickets ADD COLUMN has_item boolean NOT NULL DEFAULT false;
-- Set when the ticket's order's delivery completed: from then on its buyer reads the item and nobody replaces it.
ALTER TABLE tickets ADD COLUMN delivered_at timestamptz;
CREATE UNIQUE INDEX tickets_item_fingerprint_unique ON tickets (item_fingerprint)
  WHERE status IN ('available', 'held', 'sold') AND item_fingerprint IS NOT NULL;

-- Who bought: the buyer of a completed order reads its tickets' items (null for orders seen before this migration).
ALTER TABLE known_orders ADD COLUMN buyer_id uuid;

-- One row per completed order: delivered at once, or pending until the seller uploads the last item or the deadline
-- passes (the sweeper claims due rows with FOR UPDATE SKIP LOCKED). Exactly one of delivered / missed, ever.
CREATE TABLE deliveries (
  order_id     uuid        PRIMARY KEY,
  listing_id   uuid        NOT NULL REFERENCES listings (id),
  ticket_ids   uuid[]      NOT NULL CHECK (cardinality(ticket_ids) BETWEEN 1 AND 100),
  deadline     timestamptz NOT NULL,
  status       text        NOT NULL CHECK (status IN ('pending', 'delivered', 'missed')),
  delivered_at timestamptz,
  missed_at    timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'delivered') = (delivered_at IS NOT NULL)),
  CHECK ((status = 'missed') = (missed_at IS NOT NULL))
);
CREATE INDEX deliveries_due_idx ON deliveries (deadline) WHERE status = 'pending';
CREATE INDEX deliveries_listing_idx ON deliveries (listing_id) WHERE status = 'pending';

-- Every read of an item: who, as what, from where, when.
CREATE TABLE item_reads (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id  uuid        NOT NULL REFERENCES tickets (id),
  reader_id  uuid        NOT NULL,
  role       text        NOT NULL CHECK (role IN ('seller', 'buyer')),
  ip         text,
  user_agent text,
  read_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_reads_ticket_idx ON item_reads (ticket_id, read_at);

-- Attempts that look like fraud (a barcode already on sale or sold), for review.
CREATE TABLE fraud_signals (
  id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind      text        NOT NULL,
  user_id   uuid        NOT NULL,
  ticket_id uuid        NOT NULL,
  details   jsonb       NOT NULL DEFAULT '{}',
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fraud_signals_user_idx ON fraud_signals (user_id, at);
