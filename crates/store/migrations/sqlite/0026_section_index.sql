-- "Related articles" find a section's newest articles in one language: with the
-- language and state in the index, from its entries alone.
DROP INDEX articles_section;
CREATE INDEX articles_section ON articles (section_id, language, status, published_at);
