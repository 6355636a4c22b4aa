-- Issue 17: what each seller is owed, one row per completed order (issue 18 transfers them after the event). Written
-- when order.completed is applied; set `cancelled` in the same transaction that records a refund of the order, so a
-- refunded order never has a payout due (docs/design.md invariant 7).
CREATE TABLE payouts (
  order_id     uuid        PRIMARY KEY REFERENCES orders (id),
  -- Null only for orders from before listings (order.created v1 did not name the seller).
  seller_id    uuid,
  -- The seller's share: quantity × unit price − the seller fee, as orders fixed them.
  amount_cents integer     NOT NULL CHECK (amount_cents >= 0),
  fee_cents    integer     NOT NULL CHECK (fee_cents >= 0),
  status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'cancelled')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX payouts_pending_by_seller_idx ON payouts (seller_id) WHERE status = 'pending';

-- Orders completed before payouts existed owe their seller too; one whose payment was refunded owes nothing.
INSERT INTO payouts (order_id, seller_id, amount_cents, fee_cents, status, created_at, cancelled_at)
SELECT o.id, o.seller_id, o.quantity * o.unit_price_cents - o.seller_fee_cents, o.seller_fee_cents,
       CASE WHEN r.order_id IS NULL THEN 'pending' ELSE 'cancelled' END, o.updated_at,
       CASE WHEN r.order_id IS NULL THEN NULL ELSE now() END
FROM orders o LEFT JOIN (SELECT DISTINCT order_id FROM refunds) r ON r.order_id = o.id
WHERE o.status = 'complete';
