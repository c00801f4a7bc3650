-- Languages: each staff member chooses the newsroom's language for themselves
-- (empty: the site's main language).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
