-- Reader revenue: every provider event once, supporters (an address and nothing
-- more), recurring gifts and payments. Amounts are integer minor units.

CREATE TABLE payment_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (provider, event_id)
);

CREATE TABLE supporters (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE subscriptions (
    provider_id TEXT PRIMARY KEY,
    supporter_id BIGINT REFERENCES supporters (id),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('monthly', 'annual')),
    status TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    state_at BIGINT NOT NULL
);

CREATE TABLE payments (
    provider_id TEXT PRIMARY KEY,
    supporter_id BIGINT REFERENCES supporters (id),
    subscription_id TEXT,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('once', 'recurring')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'refunded', 'disputed')),
    paid_at BIGINT NOT NULL
);
CREATE INDEX payments_paid_at ON payments (paid_at);

-- Supporters sign in with a link sent by e-mail: the token is kept hashed, works once
-- and briefly; the session it opens is kept hashed too.
CREATE TABLE supporter_tokens (
    token_hash TEXT PRIMARY KEY,
    supporter_id BIGINT NOT NULL REFERENCES supporters (id),
    expires_at BIGINT NOT NULL
);

CREATE TABLE supporter_sessions (
    token_hash TEXT PRIMARY KEY,
    supporter_id BIGINT NOT NULL REFERENCES supporters (id),
    csrf_token TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
