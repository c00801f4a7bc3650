-- The reading site: sections, tags, authors, images and articles.
-- Times are Unix seconds (UTC) in BIGINT columns, the same on both backends.

CREATE TABLE site_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    content_version BIGINT NOT NULL
);
INSERT INTO site_state (id, content_version) VALUES (1, 1);

CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT ''
);

CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    mime TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE image_variants (
    image_id BIGINT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    path TEXT NOT NULL,
    mime TEXT NOT NULL,
    PRIMARY KEY (image_id, width, mime)
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    headline TEXT NOT NULL,
    dek TEXT NOT NULL DEFAULT '',
    body_md TEXT NOT NULL DEFAULT '',
    word_count BIGINT NOT NULL DEFAULT 0,
    dateline TEXT NOT NULL DEFAULT '',
    section_id BIGINT NOT NULL REFERENCES sections (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    published_at BIGINT,
    updated_at BIGINT,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    hero_image_id BIGINT REFERENCES images (id),
    hero_alt TEXT NOT NULL DEFAULT '',
    hero_caption TEXT NOT NULL DEFAULT '',
    hero_credit TEXT NOT NULL DEFAULT '',
    seo_title TEXT NOT NULL DEFAULT '',
    seo_description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX articles_published ON articles (status, published_at);
CREATE INDEX articles_section ON articles (section_id, published_at);

CREATE TABLE article_authors (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES authors (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author ON article_authors (author_id);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id),
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id);

CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX corrections_article ON corrections (article_id);
