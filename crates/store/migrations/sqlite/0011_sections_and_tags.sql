-- Sections and tags managed in the newsroom: a section can stay out of the menu,
-- and a renamed (or merged) section or tag keeps answering at its old address.

ALTER TABLE sections ADD COLUMN in_menu BIGINT NOT NULL DEFAULT 1;

CREATE TABLE section_redirects (
    old_slug TEXT PRIMARY KEY,
    section_id BIGINT NOT NULL REFERENCES sections (id) ON DELETE CASCADE
);

CREATE TABLE tag_redirects (
    old_slug TEXT PRIMARY KEY,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE
);
