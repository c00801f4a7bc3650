//! Structured data for search engines: JSON-LD `NewsArticle`.

use serde_json::{Value, json};

/// What a `NewsArticle` says; URLs are absolute.
#[derive(Debug, Clone)]
pub struct NewsArticle<'a> {
    pub url: &'a str,
    pub headline: &'a str,
    pub description: &'a str,
    pub published: &'a str,
    pub modified: &'a str,
    pub section: &'a str,
    pub authors: Vec<(&'a str, String)>,
    pub images: Vec<String>,
    pub publisher: &'a str,
    pub publisher_url: &'a str,
    pub language: &'a str,
    pub keywords: Vec<&'a str>,
}

/// The JSON-LD text, safe to place inside `<script type="application/ld+json">`.
pub fn news_article(article: &NewsArticle<'_>) -> String {
    let authors: Vec<Value> = article
        .authors
        .iter()
        .map(|(name, url)| json!({ "@type": "Person", "name": name, "url": url }))
        .collect();
    let value = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": { "@type": "WebPage", "@id": article.url },
        "url": article.url,
        "headline": article.headline,
        "description": article.description,
        "datePublished": article.published,
        "dateModified": article.modified,
        "articleSection": article.section,
        "inLanguage": article.language,
        "keywords": article.keywords,
        "author": authors,
        "image": article.images,
        "publisher": { "@type": "NewsMediaOrganization", "name": article.publisher, "url": article.publisher_url },
    });
    script_safe(&value.to_string())
}

/// Escapes `<`, `>` and `&` so that no `</script>` can end the element early.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_cannot_close_the_script() {
        let article = NewsArticle {
            url: "https://k.example/articles/a",
            headline: "</script><script>alert(1)</script>",
            description: "",
            published: "2026-11-29T07:00:00+00:00",
            modified: "2026-11-29T07:00:00+00:00",
            section: "Politics",
            authors: vec![("Anna", "https://k.example/authors/anna".into())],
            images: vec![],
            publisher: "K",
            publisher_url: "https://k.example",
            language: "en",
            keywords: vec![],
        };
        let text = news_article(&article);
        assert!(!text.contains("</script>"), "{text}");
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["headline"], "</script><script>alert(1)</script>");
    }
}
