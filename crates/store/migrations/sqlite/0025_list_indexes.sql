-- Each tagging carries its article's place in the lists: `listed_at` is the
-- publication time while the article is published (NULL for a draft) and `language`
-- its language, kept by triggers whatever writes the article or the tagging. The
-- index then finds a tag's newest articles (tag pages, "related articles") from the
-- tag's own entries, however rare or common the tag, instead of walking every
-- published article and probing its tags.
ALTER TABLE article_tags ADD COLUMN listed_at BIGINT;
ALTER TABLE article_tags ADD COLUMN language TEXT NOT NULL DEFAULT '';
UPDATE article_tags SET
    listed_at = (SELECT CASE WHEN a.status = 'published' THEN a.published_at END FROM articles a WHERE a.id = article_tags.article_id),
    language = COALESCE((SELECT a.language FROM articles a WHERE a.id = article_tags.article_id), '');
CREATE INDEX article_tags_listing ON article_tags (tag_id, listed_at, article_id, language)
    WHERE listed_at IS NOT NULL;

CREATE TRIGGER article_tags_listed AFTER INSERT ON article_tags
BEGIN
    UPDATE article_tags SET
        listed_at = (SELECT CASE WHEN a.status = 'published' THEN a.published_at END FROM articles a WHERE a.id = NEW.article_id),
        language = COALESCE((SELECT a.language FROM articles a WHERE a.id = NEW.article_id), '')
    WHERE article_id = NEW.article_id AND tag_id = NEW.tag_id;
END;

CREATE TRIGGER articles_listed_tags AFTER UPDATE OF status, published_at, language ON articles
WHEN OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at
    OR OLD.language IS NOT NEW.language
BEGIN
    UPDATE article_tags SET
        listed_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END,
        language = NEW.language
    WHERE article_id = NEW.id;
END;

-- The lists' indexes also cover what lists and "related articles" filter on (the
-- language; the section), so skipping to a deep page or finding a section's newest
-- articles steps over index entries and never reads an article row (with its body)
-- only to drop it.
DROP INDEX articles_listing;
CREATE INDEX articles_listing ON articles (status, published_at, section_id, language);
DROP INDEX articles_language;
CREATE INDEX articles_language ON articles (language, status, published_at, section_id);
-- The sitemap lists every published article; from this index alone.
CREATE INDEX articles_sitemap ON articles (status, published_at, language, translation_group, modified_at, slug);
