//! An issue as mail: the theme's `newsletter/email.html` and `newsletter/email.txt`
//! rendered once per issue, with placeholders for what differs per reader.

use chrono::{DateTime, Utc};
use kolokol_core::{Article, NewsletterIssue, SiteConfig};
use kolokol_render::{Theme, markdown, urls};
use kolokol_store::DynStore;
use serde::Serialize;

use crate::NewsletterError;

/// Replaced by each reader's one-click unsubscribe URL.
pub const UNSUBSCRIBE_PLACEHOLDER: &str = "%%KOLOKOL_UNSUBSCRIBE_URL%%";
/// Replaced by each reader's preferences URL.
pub const PREFERENCES_PLACEHOLDER: &str = "%%KOLOKOL_PREFERENCES_URL%%";
pub use kolokol_core::newsletter::ISSUE_NUMBER_PLACEHOLDER as NUMBER_PLACEHOLDER;

/// The issue's mail with placeholders still in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub html: String,
    pub text: String,
}

impl Composed {
    /// One reader's copy.
    pub fn personal(&self, unsubscribe_url: &str, preferences_url: &str) -> (String, String) {
        let fill = |s: &str| {
            s.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url)
                .replace(PREFERENCES_PLACEHOLDER, preferences_url)
        };
        (fill(&self.html), fill(&self.text))
    }
}

#[derive(Serialize)]
struct MailContext<'a> {
    site: SiteContext<'a>,
    issue: IssueContext<'a>,
    articles: Vec<MailArticle>,
    unsubscribe_url: &'static str,
    preferences_url: &'static str,
}

#[derive(Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    tagline: &'a str,
    language: &'a str,
    base: &'a str,
    newsletter: &'a str,
    policy_url: String,
    mirrors: &'a [String],
    onion: &'a str,
    lite_url: String,
    archive_url: String,
    support_url: String,
}

#[derive(Serialize)]
struct IssueContext<'a> {
    subject: &'a str,
    intro_html: String,
    intro_text: String,
    full_text: bool,
    date: DateTime<Utc>,
    number: &'static str,
    web_url: String,
}

#[derive(Serialize)]
struct MailArticle {
    headline: String,
    dek: String,
    url: String,
    section: String,
    /// Joined in the template, with the catalogue's "and".
    authors: Vec<String>,
    published: DateTime<Utc>,
    reading_minutes: u32,
    hero: Option<MailImage>,
    body_html: Option<String>,
    body_text: Option<String>,
}

#[derive(Serialize)]
struct MailImage {
    url: String,
    width: u32,
    height: u32,
    alt: String,
    caption: String,
    credit: String,
}

/// Root-relative links and images made absolute: a mail has no address of its own.
fn absolutize(html: &str, base: &str) -> String {
    let mut out = html.to_owned();
    for attr in ["href=\"/", "src=\"/"] {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(attr) {
            let after = &rest[at + attr.len()..];
            result.push_str(&rest[..at]);
            if after.starts_with('/') {
                result.push_str(attr);
            } else {
                result.push_str(&attr[..attr.len() - 1]);
                result.push_str(base);
                result.push('/');
            }
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

fn mail_article(article: &Article, site: &SiteConfig, full_text: bool) -> MailArticle {
    let base = site.base();
    let summary = &article.summary;
    let hero = summary.hero.as_ref().map(|hero| {
        // The 960 px JPEG (or the widest below it): sharp on phones, light to load.
        let variant = hero
            .variants
            .iter()
            .filter(|v| v.mime == "image/jpeg" && v.width <= 960)
            .max_by_key(|v| v.width);
        let (path, width, height) = variant
            .map_or((hero.path.as_str(), hero.width, hero.height), |v| {
                (v.path.as_str(), v.width, v.height)
            });
        MailImage {
            url: urls::absolute(base, &urls::media(path)),
            width: width.min(600),
            height: u32::try_from(
                u64::from(height) * u64::from(width.min(600)) / u64::from(width.max(1)),
            )
            .unwrap_or(height),
            alt: hero.alt.clone(),
            caption: hero.caption.clone(),
            credit: hero.credit.clone(),
        }
    });
    MailArticle {
        headline: summary.headline.clone(),
        dek: summary.dek.clone(),
        url: urls::absolute(base, &urls::article(summary.slug.as_str())),
        section: summary.section.name.clone(),
        authors: summary.authors.iter().map(|a| a.name.clone()).collect(),
        published: summary.published_at,
        reading_minutes: summary.reading_minutes,
        hero,
        body_html: full_text.then(|| absolutize(&markdown::to_html(&article.body_markdown), base)),
        body_text: full_text.then(|| markdown::to_text(&article.body_markdown)),
    }
}

/// The issue's articles that are published now, in the editors' order.
pub async fn issue_articles(
    store: &DynStore,
    issue: &NewsletterIssue,
    now: DateTime<Utc>,
) -> Result<Vec<Article>, NewsletterError> {
    let mut articles = Vec::with_capacity(issue.article_ids.len());
    for id in &issue.article_ids {
        let Some(editable) = store.editable_article(*id).await? else {
            continue;
        };
        if let Some(article) = store.published_article(&editable.draft.slug, now).await? {
            articles.push(article);
        }
    }
    Ok(articles)
}

/// Renders an issue as mail (HTML and text), with placeholders for each reader's links.
pub async fn compose(
    store: &DynStore,
    theme: &Theme,
    site: &SiteConfig,
    issue: &NewsletterIssue,
    now: DateTime<Utc>,
) -> Result<Composed, NewsletterError> {
    let mut articles = issue_articles(store, issue, now).await?;
    // Sections and authors named in the issue's language.
    let mut sections = store.sections().await?;
    sections.iter_mut().for_each(|s| s.localize(&site.language));
    let mut authors = store.authors().await?;
    authors.iter_mut().for_each(|a| a.localize(&site.language));
    for article in &mut articles {
        article.summary.localize(&sections, &authors);
    }
    let base = site.base();
    let absolute = |path: &str| {
        if path.starts_with('/') {
            urls::absolute(base, path)
        } else {
            path.to_owned()
        }
    };
    let context = MailContext {
        site: SiteContext {
            title: &site.title,
            tagline: &site.tagline,
            language: &site.language,
            base,
            newsletter: &site.newsletter.name,
            policy_url: absolute(&site.newsletter.policy_url),
            mirrors: &site.mirrors,
            onion: &site.onion,
            lite_url: absolute("/lite"),
            archive_url: absolute("/newsletter"),
            support_url: absolute(&site.banner.link),
        },
        issue: IssueContext {
            subject: &issue.subject,
            intro_html: absolutize(&markdown::to_html(&issue.intro_md), base),
            intro_text: markdown::to_text(&issue.intro_md),
            full_text: issue.full_text,
            date: issue.scheduled_for.unwrap_or(now),
            number: NUMBER_PLACEHOLDER,
            web_url: absolute(&format!("/newsletter/{NUMBER_PLACEHOLDER}")),
        },
        articles: articles
            .iter()
            .map(|a| mail_article(a, site, issue.full_text))
            .collect(),
        unsubscribe_url: UNSUBSCRIBE_PLACEHOLDER,
        preferences_url: PREFERENCES_PLACEHOLDER,
    };
    Ok(Composed {
        html: theme.render("newsletter/email.html", &context)?,
        text: theme.render("newsletter/email.txt", &context)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_relative_links_become_absolute() {
        let html = r#"<a href="/articles/x">x</a> <img src="/media/a.jpg"> <a href="//cdn.example/y">y</a> <a href="https://o.example/">o</a>"#;
        assert_eq!(
            absolutize(html, "https://bell.example"),
            r#"<a href="https://bell.example/articles/x">x</a> <img src="https://bell.example/media/a.jpg"> <a href="//cdn.example/y">y</a> <a href="https://o.example/">o</a>"#
        );
    }
}
