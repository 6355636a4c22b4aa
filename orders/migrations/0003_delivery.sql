-- Issue 17: delivery. Runs on a database left by 0002, with its data.

-- An `instant` listing waits in `pending` until every ticket has its item: not on sale, not orderable.
ALTER TABLE listings DROP CONSTRAINT listings_status_check,
  ADD CONSTRAINT listings_status_check CHECK (status IN ('pending', 'active', 'sold', 'withdrawn'));

-- A ticket of an order cancelled because its seller never delivered it: tickets withdraws it, and orders never lets
-- anyone order it again, whatever snapshot of the listing arrives (its seller was shown unreliable for it, and its
-- barcode may already be in the first buyer's hands).
ALTER TABLE listing_tickets ADD COLUMN retired boolean NOT NULL DEFAULT false;

-- The delivery of a paid order's tickets, as tickets reports it (delivery.*): `pending` until delivery.completed.
-- The deadline is known once delivery.scheduled arrived (`later` listings); an instant delivery never has one. Orders
-- from before delivery stay pending with no deadline.
ALTER TABLE orders
  ADD COLUMN delivery_status   text NOT NULL DEFAULT 'pending' CHECK (delivery_status IN ('pending', 'delivered')),
  ADD COLUMN delivery_deadline timestamptz,
  ADD COLUMN delivered_at      timestamptz,
  ADD CONSTRAINT orders_delivered_at_check CHECK ((delivery_status = 'delivered') = (delivered_at IS NOT NULL));
