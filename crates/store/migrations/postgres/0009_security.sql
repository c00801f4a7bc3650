-- Security review: sign-in attempts are counted and decided under a per-key row lock
-- (one row per account and per network address), and the last authenticator step
-- used by each account is kept so a code works once.
CREATE TABLE sign_in_locks (
    key TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- Subscribers' consent records no longer keep anything made from a network address
-- (a keyed hash with the key beside it let the whole IPv4 space be tried).
UPDATE subscribers SET address_hash = '';
DELETE FROM signup_attempts;
