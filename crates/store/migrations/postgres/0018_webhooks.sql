-- Outgoing webhooks: an admin's registration of a URL for one event, and the log of
-- every attempt to deliver one (delivered by jobs, see 0017).
CREATE TABLE webhooks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event TEXT NOT NULL,
    target_url TEXT NOT NULL,
    -- Signs each delivery (X-Ghost-Signature), shown to the admin once.
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE webhook_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    -- The HTTP status answered, or 0 when there was no answer.
    status BIGINT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    delivered_at BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (delivered_at);
