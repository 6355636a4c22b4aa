-- Users of the marketplace. Emails compare case-insensitively: the unique index on lower(email) is what makes two
-- simultaneous sign-ups with one address end as one 201 and one 409 (never read-then-write).
CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL CHECK (email = lower(btrim(email)) AND length(email) BETWEEN 3 AND 254),
  -- scrypt$N$r$p$salt$hash: the parameters travel with each hash so the cost can be raised later without a reset.
  password_hash text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
