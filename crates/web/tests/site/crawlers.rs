//! What search engines read: sitemaps, the news sitemap, robots.txt and page metadata.

use crate::common::{SOVEREIGN_INTERNET, SUPREME_COURT, TestApp, select};

fn locations(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|part| part.split("</loc>").next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn sitemap_lists_every_public_page() {
    let app = TestApp::demo();
    let response = app.get("/sitemap.xml").await;
    assert_eq!(
        response.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let xml = response.text().await.unwrap();
    assert!(xml.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">"));
    let locs = locations(&xml);
    assert_eq!(
        locs.len(),
        (2 + 6) * 2 + 42 + 25,
        "home, archive and sections in both languages, and every article"
    );
    assert!(locs.contains(&app.url(SUPREME_COURT)));
    assert!(locs.contains(&app.url("/ru/sections/politics")));
    assert_eq!(xml.matches("<lastmod>").count(), 2 * 2 + 42 + 25);
    for loc in locs.iter().take(12) {
        let path = loc.strip_prefix(&app.base).unwrap();
        assert_eq!(app.get(path).await.status(), 200, "{loc}");
    }
}

#[tokio::test]
async fn a_large_sitemap_is_an_index_of_parts_that_each_read_their_own_articles() {
    let app = TestApp::empty().await;
    app.publish("Origin story", "Words.").await;
    // 2,100 more, a minute apart and older, alternately English and Russian,
    // written straight into the database.
    app.on_database(
        "INSERT INTO articles (slug, headline, section_id, status, published_at, created_at, \
         modified_at, language) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n \
         WHERE i < 2100) SELECT 'bulk-' || i, 'Bulk ' || i, section_id, 'published', \
         published_at - 60 * i, created_at, modified_at - 60 * i, \
         CASE i % 2 WHEN 1 THEN 'ru' ELSE 'en' END FROM articles, n WHERE slug = 'origin-story'",
    )
    .await;
    // One translation pair across the two files: bulk-3 (Russian) in the first,
    // bulk-2050 (English) in the second.
    app.on_database(
        "UPDATE articles SET translation_group = (SELECT id FROM articles WHERE slug = 'bulk-3') \
         WHERE slug IN ('bulk-3', 'bulk-2050')",
    )
    .await;
    app.state.content_changed().await;

    let index = app.text("/sitemap.xml").await;
    assert!(index.contains("<sitemapindex"), "{index}");
    assert_eq!(
        locations(&index),
        [app.url("/sitemaps/1.xml"), app.url("/sitemaps/2.xml")]
    );
    let first = app.text("/sitemaps/1.xml").await;
    let second = app.text("/sitemaps/2.xml").await;
    let article = |i: usize| match i {
        0 => app.url("/articles/origin-story"),
        i if i % 2 == 1 => app.url(&format!("/ru/articles/bulk-{i}")),
        i => app.url(&format!("/articles/bulk-{i}")),
    };
    // Home, archive and the one section in both languages; then the articles,
    // newest first, cut after 2,000 URLs.
    let lead = [
        "/",
        "/ru/",
        "/archive",
        "/ru/archive",
        "/sections/news",
        "/ru/sections/news",
    ]
    .map(|path| app.url(path));
    let mut expected: Vec<String> = lead.to_vec();
    expected.extend((0..=2100).map(article));
    let firsts = locations(&first);
    assert_eq!(firsts.len(), 2000);
    assert_eq!(locations(&second).len(), 2107 - 2000);
    assert_eq!(firsts[..], expected[..2000]);
    assert_eq!(locations(&second)[..], expected[2000..]);
    // Each side of the pair names the other, though it stands in another file.
    for (xml, other) in [(&first, article(2050)), (&second, article(3))] {
        assert!(
            xml.contains(&format!(
                "hreflang=\"{}\" href=\"{other}\"",
                if other.contains("/ru/") { "ru" } else { "en" }
            )),
            "{other}"
        );
    }
    // The first file is as new as the newest article; the second as its own newest.
    let lastmods: Vec<&str> = index
        .split("<lastmod>")
        .skip(1)
        .filter_map(|part| part.split("</lastmod>").next())
        .collect();
    let lastmod_of = |xml: &str, loc: &str| -> String {
        let at = xml.find(&format!("<loc>{loc}</loc>")).unwrap();
        xml[at..]
            .split("<lastmod>")
            .nth(1)
            .unwrap()
            .split("</lastmod>")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        lastmods,
        [
            lastmod_of(&first, &article(0)),
            lastmod_of(&second, &article(1994))
        ]
    );
    for part in ["/sitemaps/0.xml", "/sitemaps/3.xml"] {
        assert_eq!(app.get(part).await.status(), 404, "{part}");
    }
}

#[tokio::test]
async fn news_sitemap_holds_the_last_two_days() {
    let app = TestApp::demo();
    let xml = app.text("/news-sitemap.xml").await;
    assert!(xml.contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\""));
    // Demo articles published within 48 hours: 3, 8, 12, 20, 26, 30 and 44 hours ago,
    // their Russian translations an hour later, and two Russian-only ones.
    assert_eq!(locations(&xml).len(), 7 + 7 + 2, "{xml}");
    assert_eq!(xml.matches("<news:language>ru</news:language>").count(), 9);
    assert!(xml.contains("<news:name>The Northern Bell</news:name>"));
    assert!(xml.contains("<news:title>Parliament passes &apos;sovereign internet&apos; law in a single afternoon</news:title>"));
}

#[tokio::test]
async fn robots_points_at_the_sitemaps() {
    let app = TestApp::demo();
    let robots = app.text("/robots.txt").await;
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", app.base)));
    assert!(robots.contains(&format!("Sitemap: {}/news-sitemap.xml", app.base)));
}

#[tokio::test]
async fn articles_describe_themselves_to_search_engines_and_social_cards() {
    let app = TestApp::demo();
    let html = app.html(SOVEREIGN_INTERNET).await;
    let meta = |selector: &str| {
        select(&html, selector)
            .first()
            .and_then(|e| e.value().attr("content"))
            .map(str::to_owned)
    };
    let canonical = app.url(SOVEREIGN_INTERNET);
    assert_eq!(
        select(&html, "link[rel=canonical]")[0].value().attr("href"),
        Some(canonical.as_str())
    );
    assert_eq!(meta("meta[property='og:type']").as_deref(), Some("article"));
    assert_eq!(
        meta("meta[property='og:url']").as_deref(),
        Some(canonical.as_str())
    );
    assert_eq!(
        meta("meta[property='og:title']").as_deref(),
        Some("Parliament passes 'sovereign internet' law in a single afternoon")
    );
    assert!(
        meta("meta[property='og:image']")
            .unwrap()
            .starts_with(&format!("{}/media/", app.base))
    );
    assert_eq!(
        meta("meta[property='og:image:width']").as_deref(),
        Some("1440")
    );
    assert_eq!(
        meta("meta[property='article:section']").as_deref(),
        Some("Politics")
    );
    assert_eq!(select(&html, "meta[property='article:tag']").len(), 3);
    assert_eq!(
        meta("meta[name='twitter:card']").as_deref(),
        Some("summary_large_image")
    );
    assert!(
        meta("meta[name='description']")
            .unwrap()
            .starts_with("Deputies gave")
    );

    let script = select(&html, "script[type='application/ld+json']");
    assert_eq!(script.len(), 1);
    let data: serde_json::Value =
        serde_json::from_str(&script[0].text().collect::<String>()).unwrap();
    assert_eq!(data["@type"], "NewsArticle");
    assert_eq!(
        data["headline"],
        "Parliament passes 'sovereign internet' law in a single afternoon"
    );
    assert_eq!(data["author"][0]["name"], "Ilya Marchenko");
    assert_eq!(data["publisher"]["name"], "The Northern Bell");
    assert_eq!(data["articleSection"], "Politics");
    assert!(chrono::DateTime::parse_from_rfc3339(data["datePublished"].as_str().unwrap()).is_ok());
}
