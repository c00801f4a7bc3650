-- Author profiles as the newsroom edits them: a photo from the media library and
-- links elsewhere ("Label | https://…", one a line).
ALTER TABLE authors ADD COLUMN photo_image_id BIGINT REFERENCES images (id);
ALTER TABLE authors ADD COLUMN links TEXT NOT NULL DEFAULT '';
