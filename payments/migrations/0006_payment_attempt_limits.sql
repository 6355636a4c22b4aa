-- Card testing (issue 18): attempts are counted per order and per buyer over the last hour, so both lookups need an
-- index. The buyer is the replica order's user_id (an attempt belongs to one order), so no column is copied.
CREATE INDEX payment_attempts_order_created_idx ON payment_attempts (order_id, created_at);
CREATE INDEX orders_user_id_idx ON orders (user_id);

-- A token the provider rejected as invalid never reached a card: its attempt is kept only because its idempotency key
-- was spent at the provider (reusing it with another token would be refused), and it counts toward no limit. The old
-- name 'failed' was only ever used for that.
ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_status_check;
UPDATE payment_attempts SET status = 'invalid_token' WHERE status = 'failed';
ALTER TABLE payment_attempts
  ADD CONSTRAINT payment_attempts_status_check CHECK (status IN ('pending', 'succeeded', 'declined', 'invalid_token'));
