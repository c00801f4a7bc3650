-- Lists (archive, sections) page through published articles newest first; with the
-- section in the index, finding a page's ids never reads the article rows themselves.
-- It replaces the narrower index on (status, published_at).
DROP INDEX articles_published;
CREATE INDEX articles_listing ON articles (status, published_at, section_id);
