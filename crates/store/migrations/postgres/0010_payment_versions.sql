-- Stripe's 2025 API versions: each event's API version is kept; an invoice's payment
-- is matched to the payment intent behind it (refunds and disputes name only the
-- intent) through aliases; signed events that could not be read are kept, raw, with
-- the reason, until a newer Kolokol applies them.
ALTER TABLE payment_events ADD COLUMN api_version TEXT NOT NULL DEFAULT '';

CREATE TABLE payment_aliases (
    provider_id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL
);

CREATE TABLE unread_payment_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    api_version TEXT NOT NULL,
    body TEXT NOT NULL,
    reason TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    applied_at BIGINT,
    PRIMARY KEY (provider, event_id)
);
