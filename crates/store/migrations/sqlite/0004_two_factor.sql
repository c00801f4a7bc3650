-- Two-factor sign-in: a TOTP secret per account (pending until confirmed), one-time
-- recovery codes (hashed), and sessions that wait for the second factor.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN verified BIGINT NOT NULL DEFAULT 1;

CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
