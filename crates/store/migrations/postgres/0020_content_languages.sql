-- Content in several languages. Every article and standing page has a language
-- (written at start for rows that have none: the site's main language), and
-- translations share a translation group: the id of the group's first member.
ALTER TABLE articles ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN translation_group BIGINT;
CREATE INDEX articles_language ON articles (language, status, published_at);
CREATE INDEX articles_translations ON articles (translation_group);
ALTER TABLE pages ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN translation_group BIGINT;
-- Names of sections, tags and authors in the site's other languages, as JSON:
-- {"ru": {"name": "…", "description": "…"}}.
ALTER TABLE sections ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE authors ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE tags ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
-- Readers sign up to the newsletter of the language they read, and each issue is
-- written in one language.
ALTER TABLE subscribers ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE newsletter_issues ADD COLUMN language TEXT NOT NULL DEFAULT '';
