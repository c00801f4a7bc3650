-- Site settings edited in the admin, as JSON (kolokol_core::SiteSettings). They
-- override the configuration file's [site] values for what they contain.
CREATE TABLE site_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    settings TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
