-- The front page as the editors arrange it: a pinned lead and featured stories,
-- each until an optional end time (Unix seconds); otherwise the newest lead.
CREATE TABLE front_page_picks (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    slot TEXT NOT NULL CHECK (slot IN ('lead', 'featured')),
    position BIGINT NOT NULL,
    until BIGINT
);
