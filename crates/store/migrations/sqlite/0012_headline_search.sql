-- The newsroom's article list searches headlines without regard to case, in any
-- script: the headline is kept lowercased by the application (SQLite's LOWER folds
-- ASCII only), and existing rows are filled in on the first start after this.
ALTER TABLE articles ADD COLUMN headline_folded TEXT NOT NULL DEFAULT '';
