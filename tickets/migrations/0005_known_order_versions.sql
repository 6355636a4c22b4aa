-- Orders now ends paid orders too (not_delivered, event_cancelled: order.completed v1, then order.cancelled v2), so a
-- completion redelivered after its order's cancellation must not sell the tickets again. known_orders keeps the
-- highest version of the order seen; an older event never changes what a newer one decided. Null: seen before this
-- migration (those orders were decided by the old rules and stay as they are).
ALTER TABLE known_orders ADD COLUMN version integer CHECK (version >= 0);
