//! What templates see: plain, serialisable views with every URL already built.

use crate::{jsonld, markdown, urls};
use kolokol_core::{
    Article, ArticleSummary, Author, HeroImage, ImageVariant, Paginated, Section, SiteConfig,
};
use serde::Serialize;

/// The site-wide part of every page: name, navigation, banner, notices, feeds.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub tagline: &'a str,
    pub base_url: &'a str,
    pub language: &'a str,
    pub timezone: &'a str,
    pub banner: &'a kolokol_core::Banner,
    pub banned_notice: &'a kolokol_core::BannedNotice,
    pub sections: Vec<Link>,
    /// The menu's other links: from the settings, then standing pages placed there.
    pub navigation: Vec<Link>,
    /// Standing pages placed in the footer.
    pub footer_pages: Vec<Link>,
    /// Whether there are mirrors or an onion address to point readers to.
    pub has_mirrors: bool,
    pub newsletter: &'a kolokol_core::NewsletterSettings,
    pub year: i32,
}

impl<'a> SiteView<'a> {
    pub fn new(site: &'a SiteConfig, sections: &[Section]) -> Self {
        Self {
            title: &site.title,
            tagline: &site.tagline,
            base_url: site.base(),
            language: &site.language,
            timezone: &site.timezone,
            newsletter: &site.newsletter,
            banner: &site.banner,
            banned_notice: &site.banned_notice,
            sections: sections
                .iter()
                .filter(|s| s.in_menu)
                .map(|s| Link {
                    name: s.name.clone(),
                    url: urls::section(s.slug.as_str()),
                })
                .collect(),
            navigation: site
                .navigation
                .iter()
                .map(|l| Link {
                    name: l.label.clone(),
                    url: l.url.clone(),
                })
                .chain(page_links(site, kolokol_core::Placement::Menu))
                .collect(),
            footer_pages: page_links(site, kolokol_core::Placement::Footer).collect(),
            has_mirrors: !site.mirrors.is_empty() || !site.onion.is_empty(),
            year: chrono::Datelike::year(&chrono::Utc::now()),
        }
    }
}

/// Links to the standing pages placed at `placement`.
fn page_links(
    site: &SiteConfig,
    placement: kolokol_core::Placement,
) -> impl Iterator<Item = Link> + '_ {
    site.pages
        .iter()
        .filter(move |p| p.placement == placement)
        .map(|p| Link {
            name: p.title.clone(),
            url: urls::page(p.slug.as_str()),
        })
}

/// A name and where it leads.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// Head metadata of a page: title, description, canonical URL, social cards.
#[derive(Debug, Default, Serialize)]
pub struct Meta {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub og_type: &'static str,
    pub image: Option<ImageMeta>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub jsonld: Option<String>,
    pub feeds: Vec<FeedLink>,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The page in every language it exists in (`hreflang`), and the switcher.
    #[serde(flatten)]
    pub versions: Versions,
}

/// A page's versions in the site's languages.
#[derive(Debug, Default, Serialize)]
pub struct Versions {
    /// `<link rel="alternate" hreflang>`: every version, this one included, then
    /// `x-default`; absolute addresses. Empty when the site has one language.
    pub alternates: Vec<Alternate>,
    /// The language switcher: each language, leading to this page's translation
    /// or else to that language's front page.
    pub languages: Vec<LanguageLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternate {
    /// BCP 47, or `x-default`.
    pub hreflang: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageLink {
    pub language: String,
    /// The language named in itself: «Русский», "English".
    pub name: String,
    /// Relative to the page, so it works on any host.
    pub url: String,
    /// This page's own language.
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct ImageMeta {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

#[derive(Debug, Serialize)]
pub struct FeedLink {
    pub title: String,
    /// "RSS", "Atom" or "JSON Feed".
    pub kind: &'static str,
    pub mime: &'static str,
    pub url: String,
}

/// Feed links (RSS, Atom, JSON Feed) for a page at `path` (`""` for the whole site).
pub fn feed_links(title: &str, path: &str) -> Vec<FeedLink> {
    [
        ("RSS", "application/rss+xml", "feed.xml"),
        ("Atom", "application/atom+xml", "atom.xml"),
        ("JSON Feed", "application/feed+json", "feed.json"),
    ]
    .into_iter()
    .map(|(kind, mime, file)| FeedLink {
        title: format!("{title} ({kind})"),
        kind,
        mime,
        url: format!("{path}/{file}"),
    })
    .collect()
}

/// An article as a list shows it.
#[derive(Debug, Serialize)]
pub struct Card {
    pub url: String,
    pub headline: String,
    pub dek: String,
    pub section: Link,
    pub authors: Vec<Link>,
    pub published: String,
    pub updated: Option<String>,
    pub reading_minutes: u32,
    pub hero: Option<HeroView>,
}

impl Card {
    pub fn new(summary: &ArticleSummary) -> Self {
        Self {
            url: urls::article(summary.slug.as_str()),
            headline: summary.headline.clone(),
            dek: summary.dek.clone(),
            section: Link {
                name: summary.section.name.clone(),
                url: urls::section(summary.section.slug.as_str()),
            },
            authors: summary.authors.iter().map(author_link).collect(),
            published: summary.published_at.to_rfc3339(),
            updated: summary.updated_at.map(|t| t.to_rfc3339()),
            reading_minutes: summary.reading_minutes,
            hero: summary.hero.as_ref().map(HeroView::new),
        }
    }
}

pub fn author_link(author: &Author) -> Link {
    Link {
        name: author.name.clone(),
        url: urls::author(author.slug.as_str()),
    }
}

/// A responsive image: a default `src`, the `srcset` and intrinsic size.
#[derive(Debug, Serialize)]
pub struct HeroView {
    pub src: String,
    pub srcset: String,
    /// The same widths in WebP, when the image has them (uploads do).
    pub webp_srcset: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

impl HeroView {
    pub fn new(hero: &HeroImage) -> Self {
        Self::from_parts(
            hero.width,
            hero.height,
            &hero.path,
            &hero.variants,
            &hero.alt,
            &hero.caption,
            &hero.credit,
        )
    }

    /// From an image's parts: the default `src` is the JPEG rendition nearest 960 px,
    /// sharp enough for browsers without `srcset`, small enough for a phone.
    pub fn from_parts(
        width: u32,
        height: u32,
        original: &str,
        variants: &[ImageVariant],
        alt: &str,
        caption: &str,
        credit: &str,
    ) -> Self {
        fn of_type<'a>(
            variants: &'a [ImageVariant],
            mime: &'a str,
        ) -> impl Iterator<Item = &'a ImageVariant> {
            variants.iter().filter(move |v| v.mime == mime)
        }
        let default = of_type(variants, "image/jpeg")
            .min_by_key(|v| v.width.abs_diff(960))
            .map_or(original, |v| v.path.as_str());
        let srcset = |mime: &str| {
            of_type(variants, mime)
                .map(|v| format!("{} {}w", urls::media(&v.path), v.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Self {
            src: urls::media(default),
            srcset: srcset("image/jpeg"),
            webp_srcset: srcset("image/webp"),
            width,
            height,
            alt: alt.to_owned(),
            caption: caption.to_owned(),
            credit: credit.to_owned(),
        }
    }
}

/// A whole article page.
#[derive(Debug, Serialize)]
pub struct ArticleView {
    pub card: Card,
    pub dateline: String,
    pub body_html: String,
    pub tags: Vec<Link>,
    pub corrections: Vec<CorrectionView>,
}

#[derive(Debug, Serialize)]
pub struct CorrectionView {
    pub at: String,
    pub body_html: String,
}

impl ArticleView {
    pub fn new(article: &Article) -> Self {
        Self {
            card: Card::new(&article.summary),
            dateline: article.dateline.clone(),
            body_html: markdown::to_html(&article.body_markdown),
            tags: article
                .tags
                .iter()
                .map(|t| Link {
                    name: t.name.clone(),
                    url: urls::tag(t.slug.as_str()),
                })
                .collect(),
            corrections: article
                .corrections
                .iter()
                .map(|c| CorrectionView {
                    at: c.created_at.to_rfc3339(),
                    body_html: markdown::to_html(&c.body),
                })
                .collect(),
        }
    }
}

/// Head metadata for an article: canonical URL, Open Graph, Twitter card and JSON-LD.
pub fn article_meta(site: &SiteConfig, article: &Article, view: &ArticleView) -> Meta {
    let summary = &article.summary;
    let canonical = urls::absolute(site.base(), &view.card.url);
    let title = if article.seo_title.trim().is_empty() {
        summary.headline.clone()
    } else {
        article.seo_title.clone()
    };
    let description = if article.seo_description.trim().is_empty() {
        if summary.dek.is_empty() {
            truncate(&markdown::to_plain_text(&article.body_markdown), 200)
        } else {
            summary.dek.clone()
        }
    } else {
        article.seo_description.clone()
    };
    let image = summary.hero.as_ref().map(|hero| {
        let largest = hero
            .variants
            .iter()
            .filter(|v| v.mime == "image/jpeg")
            .max_by_key(|v| v.width);
        ImageMeta {
            url: urls::absolute(
                site.base(),
                &urls::media(largest.map_or(hero.path.as_str(), |v| v.path.as_str())),
            ),
            width: largest.map_or(hero.width, |v| v.width),
            height: largest.map_or(hero.height, |v| v.height),
            alt: hero.alt.clone(),
        }
    });
    let published = summary.published_at.to_rfc3339();
    let modified = summary
        .updated_at
        .unwrap_or(summary.published_at)
        .to_rfc3339();
    let authors: Vec<(&str, String)> = summary
        .authors
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                urls::absolute(site.base(), &urls::author(a.slug.as_str())),
            )
        })
        .collect();
    let keywords: Vec<&str> = article.tags.iter().map(|t| t.name.as_str()).collect();
    let jsonld = jsonld::news_article(&jsonld::NewsArticle {
        url: &canonical,
        headline: &summary.headline,
        description: &description,
        published: &published,
        modified: &modified,
        section: &summary.section.name,
        authors,
        images: image.iter().map(|i| i.url.clone()).collect(),
        publisher: &site.publisher,
        publisher_url: site.base(),
        language: &site.language,
        keywords,
    });
    Meta {
        title,
        description,
        canonical,
        og_type: "article",
        image,
        published: Some(published),
        modified: Some(modified),
        section: Some(summary.section.name.clone()),
        tags: article.tags.iter().map(|t| t.name.clone()).collect(),
        jsonld: Some(jsonld),
        feeds: Vec::new(),
        prev: None,
        next: None,
        versions: Versions::default(),
    }
}

/// Pagination links for a list at `path`.
#[derive(Debug, Serialize)]
pub struct Pager {
    pub page: u32,
    pub total_pages: u32,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new<T>(path: &str, list: &Paginated<T>) -> Self {
        Self {
            page: list.page,
            total_pages: list.total_pages,
            prev: (list.page > 1).then(|| urls::paged(path, list.page - 1)),
            next: list.has_next().then(|| urls::paged(path, list.page + 1)),
        }
    }
}

/// Cuts `text` at a word boundary to at most `max` characters, adding an ellipsis.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// A standing page (About, a policy) for `page.html`, on the site and in the
/// newsroom's preview alike.
pub fn standing_page(page: &kolokol_core::PageRecord) -> minijinja::Value {
    minijinja::context! {
        title => page.draft.title,
        body_html => markdown::to_html(&page.draft.body_markdown),
        modified_at => page.modified_at.to_rfc3339(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncates_on_words() {
        assert_eq!(super::truncate("one two three", 9), "one two…");
        assert_eq!(super::truncate("short", 9), "short");
    }
}
