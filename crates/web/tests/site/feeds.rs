//! Feeds, parsed the way feed readers parse them.

use feed_rs::model::Feed;

use crate::common::TestApp;

async fn parse(app: &TestApp, path: &str) -> Feed {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let bytes = response.bytes().await.unwrap();
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

fn content(entry: &feed_rs::model::Entry) -> String {
    entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
        .unwrap_or_default()
}

#[tokio::test]
async fn site_feeds_carry_full_text_in_three_formats() {
    let app = TestApp::demo();
    for (path, content_type) in [
        ("/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feed.json", "application/feed+json; charset=utf-8"),
    ] {
        assert_eq!(app.get(path).await.headers()["content-type"], content_type);
        let feed = parse(app, path).await;
        assert_eq!(feed.title.unwrap().content, "The Northern Bell", "{path}");
        assert_eq!(feed.entries.len(), 20, "{path}");
        let lead = &feed.entries[0];
        assert_eq!(
            lead.title.as_ref().unwrap().content,
            "Parliament passes 'sovereign internet' law in a single afternoon",
            "{path}"
        );
        assert_eq!(
            lead.links[0].href,
            app.url(crate::common::SOVEREIGN_INTERNET),
            "{path}"
        );
        assert!(lead.published.is_some(), "{path}");
        assert_eq!(lead.authors[0].name, "Ilya Marchenko", "{path}");
        let body = content(lead);
        assert!(
            body.contains("The law takes effect in thirty days"),
            "full text in {path}"
        );
        assert!(
            body.contains(&format!("src=\"{}/media/", app.base)),
            "absolute image URLs in {path}"
        );
        assert!(!body.contains("src=\"/"), "no relative URLs in {path}");
    }
}

#[tokio::test]
async fn section_tag_and_author_feeds_hold_only_their_articles() {
    let app = TestApp::demo();
    for kind in ["feed.xml", "atom.xml", "feed.json"] {
        let section = parse(app, &format!("/sections/investigations/{kind}")).await;
        assert!(section.title.unwrap().content.starts_with("Investigations"));
        assert!(!section.entries.is_empty());
        assert!(
            section
                .entries
                .iter()
                .all(|e| e.categories.iter().any(|c| c.term == "Investigations")),
            "{kind}"
        );

        let tag = parse(app, &format!("/tags/exile/{kind}")).await;
        assert!(
            tag.entries
                .iter()
                .all(|e| e.categories.iter().any(|c| c.term == "Exile")),
            "{kind}"
        );

        let author = parse(app, &format!("/authors/katya-orlova/{kind}")).await;
        assert!(
            author
                .entries
                .iter()
                .all(|e| e.authors.iter().any(|a| a.name == "Katya Orlova")),
            "{kind}"
        );
    }
    for missing in [
        "/sections/sport/feed.xml",
        "/tags/exile/feed.txt",
        "/things/exile/feed.xml",
        "/authors/Bad%20Slug/atom.xml",
    ] {
        assert_eq!(app.get(missing).await.status(), 404, "{missing}");
    }
}
