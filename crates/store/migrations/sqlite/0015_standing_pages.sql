-- Standing pages (About, Contacts, policies) and their revisions.
CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body_md TEXT NOT NULL,
    placement TEXT NOT NULL CHECK (placement IN ('none', 'menu', 'footer')),
    position BIGINT NOT NULL DEFAULT 0,
    published BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL
);

CREATE TABLE page_revisions (
    id INTEGER PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    snapshot TEXT NOT NULL
);
CREATE INDEX page_revisions_page ON page_revisions (page_id, id);
