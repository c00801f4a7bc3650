-- A subscriber's name, when a list imported from elsewhere gave one.
ALTER TABLE subscribers ADD COLUMN name TEXT NOT NULL DEFAULT '';
