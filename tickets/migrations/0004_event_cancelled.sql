-- A cancelled event (issue 18): nobody delivers for it, so its pending deliveries end `cancelled` (orders cancels
-- and payments refunds those orders for the event; the sweeper must never call them missed). Forward-only.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'missed', 'cancelled'));
ALTER TABLE deliveries ADD COLUMN cancelled_at timestamptz;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_cancelled_at_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL));

-- Closing an event finds every listing of it, whatever its status (the event page's index covers active ones only).
CREATE INDEX listings_by_event_idx ON listings (event_id, id);
