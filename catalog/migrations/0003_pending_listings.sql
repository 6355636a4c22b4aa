-- Listings gained a status (issue 17): `pending`, an instant-delivery listing waiting for its tickets' items. The
-- summaries store it like any other state and count only `active` listings (listings_on_sale_idx), so it is not on sale.
ALTER TABLE listings DROP CONSTRAINT listings_status_check;
ALTER TABLE listings ADD CONSTRAINT listings_status_check CHECK (status IN ('pending', 'active', 'sold', 'withdrawn'));
