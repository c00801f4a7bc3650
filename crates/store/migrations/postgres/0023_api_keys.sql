-- Keys of integrations: apps reading the Ghost-compatible Content API (`content`: the
-- key is its id, 26 hex characters, as Ghost's clients check) or writing through
-- the Admin API (`admin`: `id:secret`, the secret signing short-lived JWTs).
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    integration TEXT NOT NULL,
    secret TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
