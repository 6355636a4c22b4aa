-- Issue 16: an order holds k tickets of one listing, with prices and fees fixed by orders when it was created
-- (order.created v2). The replica keeps what orders fixed; a payment charges total_cents, never a recomputation.
-- Orders already here were single tickets (order.created v1): the contract reads such an order as the one ticket of
-- listing <ticket id> under LEGACY_EVENT_ID, at its price, with no fees, and so does this backfill.
ALTER TABLE orders
  ADD COLUMN listing_id       uuid,
  -- v1 did not carry the seller: unknown (NULL) for the orders backfilled here.
  ADD COLUMN seller_id        uuid,
  ADD COLUMN event_id         uuid,
  ADD COLUMN quantity         integer,
  ADD COLUMN unit_price_cents integer,
  ADD COLUMN buyer_fee_cents  integer,
  ADD COLUMN seller_fee_cents integer,
  ADD COLUMN total_cents      integer;

UPDATE orders
   SET listing_id = ticket_id,
       event_id = '00000000-0000-4000-8000-00000000e001',
       quantity = 1,
       unit_price_cents = price_cents,
       buyer_fee_cents = 0,
       seller_fee_cents = 0,
       total_cents = price_cents;

ALTER TABLE orders
  ALTER COLUMN listing_id SET NOT NULL,
  ALTER COLUMN event_id SET NOT NULL,
  ALTER COLUMN quantity SET NOT NULL,
  ALTER COLUMN unit_price_cents SET NOT NULL,
  ALTER COLUMN buyer_fee_cents SET NOT NULL,
  ALTER COLUMN seller_fee_cents SET NOT NULL,
  ALTER COLUMN total_cents SET NOT NULL,
  -- The order's tickets are orders' and tickets' business; only the pre-listing orders keep the one they named.
  ALTER COLUMN ticket_id DROP NOT NULL,
  -- total_cents replaces it (the same number for every order it held).
  DROP COLUMN price_cents,
  ADD CONSTRAINT orders_quantity_positive CHECK (quantity >= 1),
  ADD CONSTRAINT orders_unit_price_positive CHECK (unit_price_cents > 0),
  ADD CONSTRAINT orders_fees_not_negative CHECK (buyer_fee_cents >= 0 AND seller_fee_cents >= 0),
  -- The charge is the total orders fixed; a row whose numbers do not add up is refused, never charged.
  ADD CONSTRAINT orders_total_adds_up CHECK (total_cents = quantity * unit_price_cents + buyer_fee_cents);
