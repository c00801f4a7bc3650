-- Lists and the sitemap are ordered by publication time, then id (newest first).
-- With the id right after the time, the listing, language, section and sitemap
-- indexes give that order as they stand: walking a list's page marks or reading
-- one part of a large sitemap no longer sorts every entry of the list by id first.
DROP INDEX articles_listing;
CREATE INDEX articles_listing ON articles (status, published_at, id, section_id, language);
DROP INDEX articles_language;
CREATE INDEX articles_language ON articles (language, status, published_at, id, section_id);
DROP INDEX articles_sitemap;
CREATE INDEX articles_sitemap ON articles (status, published_at, id, language, translation_group, modified_at, slug);
DROP INDEX articles_section;
CREATE INDEX articles_section ON articles (section_id, language, status, published_at, id);
