//! The public URL scheme of the reading site, in one place.

/// Path of an article page.
pub fn article(slug: &str) -> String {
    format!("/articles/{slug}")
}

pub fn section(slug: &str) -> String {
    format!("/sections/{slug}")
}

/// A standing page: About, Contacts, a policy.
pub fn page(slug: &str) -> String {
    format!("/pages/{slug}")
}

pub fn tag(slug: &str) -> String {
    format!("/tags/{slug}")
}

pub fn author(slug: &str) -> String {
    format!("/authors/{slug}")
}

pub fn media(path: &str) -> String {
    format!("/media/{path}")
}

/// `path` with `?page=n` when `n` is not the first page.
pub fn paged(path: &str, page: u32) -> String {
    if page <= 1 {
        path.to_owned()
    } else {
        format!("{path}?page={page}")
    }
}

/// Joins the site's base URL and a root-relative path into an absolute URL.
pub fn absolute(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// The host and port of an absolute URL (`https://bell.example:8443/x` →
/// `bell.example:8443`); a string without a scheme is taken as starting with them.
pub fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    #[test]
    fn authorities_keep_the_port_and_drop_the_path() {
        assert_eq!(
            super::authority("https://bell.example:8443/x/y"),
            "bell.example:8443"
        );
        assert_eq!(super::authority("http://abc.onion"), "abc.onion");
        assert_eq!(super::authority("bell.example/x"), "bell.example");
    }

    #[test]
    fn builds_absolute_paged_urls() {
        assert_eq!(
            super::absolute("https://k.example/", &super::paged(&super::tag("exile"), 2)),
            "https://k.example/tags/exile?page=2"
        );
        assert_eq!(super::paged("/archive", 1), "/archive");
    }
}
