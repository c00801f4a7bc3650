-- Addresses of the site a newsroom moved from (WordPress's /?p=12 and dated paths,
-- Ghost's /slug/, their category, tag, author and image addresses), answered with a
-- permanent redirect to what the import made of them. `address` is a percent-decoded
-- path without a trailing slash, with its query when the old site used one.
CREATE TABLE old_addresses (
    address TEXT PRIMARY KEY,
    -- article, page, section, tag, author or image
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL
);
