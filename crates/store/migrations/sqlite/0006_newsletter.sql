-- The newsletter: subscribers with their consent records, issues, and one delivery row
-- per issue and subscriber (what makes a send resumable after a crash).

CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed', 'suppressed')),
    confirm_token_hash TEXT UNIQUE,
    confirm_sent_at BIGINT,
    signed_up_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    left_at BIGINT,
    policy_version TEXT NOT NULL,
    form TEXT NOT NULL,
    address_hash TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX subscribers_status ON subscribers (status, id);

CREATE TABLE signup_attempts (
    id INTEGER PRIMARY KEY,
    address_hash TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX signup_attempts_address ON signup_attempts (address_hash, at);

CREATE TABLE newsletter_issues (
    id INTEGER PRIMARY KEY,
    number BIGINT UNIQUE,
    subject TEXT NOT NULL,
    intro_md TEXT NOT NULL,
    full_text BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'sent')),
    scheduled_for BIGINT,
    started_at BIGINT,
    sent_at BIGINT,
    mail_html TEXT,
    mail_text TEXT,
    lease_holder TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE newsletter_issue_articles (
    issue_id BIGINT NOT NULL REFERENCES newsletter_issues (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (issue_id, article_id)
);

CREATE TABLE deliveries (
    issue_id BIGINT NOT NULL REFERENCES newsletter_issues (id),
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (issue_id, subscriber_id)
);
CREATE INDEX deliveries_status ON deliveries (issue_id, status, subscriber_id);
