//! What crawlers read: `sitemap.xml` (an index when the site is large), the Google
//! News sitemap and `robots.txt`.

use chrono::{DateTime, Utc};

/// At most this many URLs go in one sitemap file (the protocol allows 50,000; like
/// WordPress we keep parts small, so each is a few hundred kilobytes the page cache
/// keeps instead of megabytes it would refuse and render again for every crawler).
pub const URLS_PER_SITEMAP: usize = 2_000;

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// One URL in a sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<DateTime<Utc>>,
    /// The page in other languages, itself included, and `x-default`:
    /// `(hreflang, absolute URL)`. Empty for a page in one language.
    pub alternates: Vec<(String, String)>,
}

/// A `<urlset>` document.
pub fn urlset(urls: &[SitemapUrl]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for url in urls {
        out.push_str(&format!("<url><loc>{}</loc>", xml_escape(&url.loc)));
        if let Some(lastmod) = url.lastmod {
            out.push_str(&format!("<lastmod>{}</lastmod>", lastmod.to_rfc3339()));
        }
        for (hreflang, href) in &url.alternates {
            out.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                xml_escape(hreflang),
                xml_escape(href)
            ));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// A `<sitemapindex>` pointing at the numbered sitemap files.
pub fn index(sitemaps: &[SitemapUrl]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for sitemap in sitemaps {
        out.push_str(&format!("<sitemap><loc>{}</loc>", xml_escape(&sitemap.loc)));
        if let Some(lastmod) = sitemap.lastmod {
            out.push_str(&format!("<lastmod>{}</lastmod>", lastmod.to_rfc3339()));
        }
        out.push_str("</sitemap>\n");
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// One article in the Google News sitemap.
#[derive(Debug, Clone)]
pub struct NewsUrl {
    pub loc: String,
    pub title: String,
    pub published: DateTime<Utc>,
    /// BCP 47: the article's language.
    pub language: String,
}

/// The Google News sitemap: articles of the last two days.
pub fn news(publication: &str, urls: &[NewsUrl]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    for url in urls {
        out.push_str(&format!(
            "<url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name>\
             <news:language>{}</news:language></news:publication>\
             <news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>\n",
            xml_escape(&url.loc),
            xml_escape(publication),
            xml_escape(&url.language),
            url.published.to_rfc3339(),
            xml_escape(&url.title),
        ));
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`: everything public may be crawled; the sitemaps are named.
pub fn robots(base: &str) -> String {
    let base = base.trim_end_matches('/');
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\nSitemap: {base}/news-sitemap.xml\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_points_at_its_parts() {
        let parts: Vec<SitemapUrl> = (1..=3)
            .map(|n| SitemapUrl {
                loc: format!("https://k.example/sitemaps/{n}.xml"),
                lastmod: (n < 3).then(|| DateTime::from_timestamp(n, 0)).flatten(),
                alternates: Vec::new(),
            })
            .collect();
        let index = index(&parts);
        assert!(index.contains("<sitemapindex"), "{index}");
        assert_eq!(index.matches("<sitemap>").count(), 3);
        assert_eq!(index.matches("<lastmod>").count(), 2);
        assert!(index.contains("<loc>https://k.example/sitemaps/3.xml</loc></sitemap>"));
    }

    #[test]
    fn escapes_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }

    #[test]
    fn documents_have_their_namespaces() {
        let url = SitemapUrl {
            loc: "https://k.example/?a=1&b=2".into(),
            lastmod: None,
            alternates: vec![("ru".into(), "https://k.example/ru/?a=1".into())],
        };
        assert!(
            urlset(std::slice::from_ref(&url))
                .contains("<loc>https://k.example/?a=1&amp;b=2</loc>")
        );
        assert!(urlset(std::slice::from_ref(&url)).contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"ru\" href=\"https://k.example/ru/?a=1\"/>"
        ));
        assert!(index(&[url]).starts_with("<?xml"));
        assert!(news("K", &[]).contains("sitemap-news/0.9"));
        assert!(robots("https://k.example/").contains("Sitemap: https://k.example/sitemap.xml"));
    }
}
