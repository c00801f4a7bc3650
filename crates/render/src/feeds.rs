//! Full-text feeds in the three formats readers' apps speak: RSS 2.0, Atom and JSON Feed.
//! Feeds carry whole articles: where the site is blocked, a feed reader still delivers.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::sitemap::xml_escape;

/// A feed: the site or one section, tag or author.
#[derive(Debug, Clone)]
pub struct Feed {
    pub title: String,
    pub description: String,
    /// The page the feed mirrors, absolute.
    pub home_url: String,
    pub language: String,
    pub updated: DateTime<Utc>,
    pub items: Vec<FeedItem>,
}

/// One article in a feed; URLs are absolute.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub url: String,
    pub title: String,
    pub summary: String,
    pub content_html: String,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    pub image: Option<String>,
}

/// Makes root-relative links and image sources in article HTML absolute, since a feed
/// reader has no page address to resolve them against.
pub fn absolutize(html: &str, base: &str) -> String {
    let base = base.trim_end_matches('/');
    html.replace("href=\"/", &format!("href=\"{base}/"))
        .replace("src=\"/", &format!("src=\"{base}/"))
        .replace(&format!("href=\"{base}//"), "href=\"//")
        .replace(&format!("src=\"{base}//"), "src=\"//")
}

/// RSS 2.0 with `atom:link rel=self`.
pub fn rss(feed: &Feed, self_url: &str) -> String {
    let mut out = String::with_capacity(4096 + feed.items.len() * 4096);
    out.push_str(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    out.push_str("\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
    push_element(&mut out, "title", &feed.title);
    push_element(&mut out, "link", &feed.home_url);
    push_element(&mut out, "description", &feed.description);
    push_element(&mut out, "language", &feed.language);
    push_element(&mut out, "lastBuildDate", &feed.updated.to_rfc2822());
    out.push_str(&format!(
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        xml_escape(self_url)
    ));
    for item in &feed.items {
        out.push_str("<item>\n");
        push_element(&mut out, "title", &item.title);
        push_element(&mut out, "link", &item.url);
        out.push_str(&format!(
            "<guid isPermaLink=\"true\">{}</guid>\n",
            xml_escape(&item.url)
        ));
        push_element(&mut out, "pubDate", &item.published.to_rfc2822());
        for author in &item.authors {
            push_element(&mut out, "dc:creator", author);
        }
        for category in &item.categories {
            push_element(&mut out, "category", category);
        }
        push_element(&mut out, "description", &item.content_html);
        out.push_str("</item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

/// Atom 1.0.
pub fn atom(feed: &Feed, self_url: &str) -> String {
    let mut out = String::with_capacity(4096 + feed.items.len() * 4096);
    out.push_str(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    out.push_str(&format!(
        "\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&feed.language)
    ));
    push_element(&mut out, "title", &feed.title);
    push_element(&mut out, "subtitle", &feed.description);
    push_element(&mut out, "id", self_url);
    push_element(&mut out, "updated", &feed.updated.to_rfc3339());
    out.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&feed.home_url)
    ));
    out.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(self_url)
    ));
    for item in &feed.items {
        out.push_str("<entry>\n");
        push_element(&mut out, "title", &item.title);
        push_element(&mut out, "id", &item.url);
        out.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&item.url)
        ));
        push_element(&mut out, "published", &item.published.to_rfc3339());
        push_element(&mut out, "updated", &item.updated.to_rfc3339());
        for author in &item.authors {
            out.push_str(&format!(
                "<author><name>{}</name></author>\n",
                xml_escape(author)
            ));
        }
        for category in &item.categories {
            out.push_str(&format!("<category term=\"{}\"/>\n", xml_escape(category)));
        }
        out.push_str(&format!(
            "<summary>{}</summary>\n",
            xml_escape(&item.summary)
        ));
        out.push_str(&format!(
            "<content type=\"html\">{}</content>\n",
            xml_escape(&item.content_html)
        ));
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// JSON Feed 1.1.
pub fn json_feed(feed: &Feed, self_url: &str) -> String {
    let items: Vec<_> = feed
        .items
        .iter()
        .map(|item| {
            let mut value = json!({
                "id": item.url,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "content_html": item.content_html,
                "date_published": item.published.to_rfc3339(),
                "date_modified": item.updated.to_rfc3339(),
                "authors": item.authors.iter().map(|name| json!({ "name": name })).collect::<Vec<_>>(),
                "tags": item.categories,
            });
            if let Some(image) = &item.image {
                value["image"] = json!(image);
            }
            value
        })
        .collect();
    let document = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": feed.description,
        "home_page_url": feed.home_url,
        "feed_url": self_url,
        "language": feed.language,
        "items": items,
    });
    document.to_string()
}

fn push_element(out: &mut String, name: &str, text: &str) {
    out.push_str(&format!("<{name}>{}</{name}>\n", xml_escape(text)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Feed {
        let time = DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        Feed {
            title: "Bell & Co".into(),
            description: "News".into(),
            home_url: "https://k.example/".into(),
            language: "en".into(),
            updated: time,
            items: vec![FeedItem {
                url: "https://k.example/articles/a".into(),
                title: "Tom <&> Jerry".into(),
                summary: "S".into(),
                content_html: "<p>Body &amp; more</p>".into(),
                published: time,
                updated: time,
                authors: vec!["Anna".into()],
                categories: vec!["Politics".into()],
                image: None,
            }],
        }
    }

    #[test]
    fn xml_feeds_escape_text_and_markup() {
        let rss = rss(&sample(), "https://k.example/feed.xml");
        assert!(
            rss.contains("<title>Tom &lt;&amp;&gt; Jerry</title>"),
            "{rss}"
        );
        assert!(
            rss.contains("&lt;p&gt;Body &amp;amp; more&lt;/p&gt;"),
            "{rss}"
        );
        let atom = atom(&sample(), "https://k.example/atom.xml");
        assert!(atom.contains("<title>Bell &amp; Co</title>"), "{atom}");
    }

    #[test]
    fn json_feed_is_json() {
        let value: serde_json::Value =
            serde_json::from_str(&json_feed(&sample(), "https://k.example/feed.json")).unwrap();
        assert_eq!(value["items"][0]["title"], "Tom <&> Jerry");
    }

    #[test]
    fn relative_links_become_absolute() {
        let html =
            r#"<a href="/articles/x">x</a><img src="/media/y.jpg"><a href="//other/z">z</a>"#;
        assert_eq!(
            absolutize(html, "https://k.example/"),
            r#"<a href="https://k.example/articles/x">x</a><img src="https://k.example/media/y.jpg"><a href="//other/z">z</a>"#
        );
    }
}
