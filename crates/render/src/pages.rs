//! Whole pages from loaded data: an article (both editions) and a page of a list. The
//! site's handlers and the static export both call these, so a mirror holds exactly
//! the bytes the site serves.

use std::collections::BTreeMap;

use kolokol_core::{ArticleFilter, ArticleSummary, PageNumber, Paginated, SiteConfig};
use minijinja::context;
use serde::Serialize;

use crate::theme::{Theme, ThemeError};
use crate::urls;
use crate::views::{self, ArticleView, Card, Meta, Pager, SiteView};

/// How many related articles an article page shows.
pub const RELATED: u32 = 3;

/// An author's photo, biography (sanitised HTML from Markdown) and links.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Profile {
    pub bio_html: String,
    /// The photo's address and size, when there is one.
    pub photo: Option<(String, u32, u32)>,
    pub links: Vec<kolokol_core::NavLink>,
}

/// What a list page or list feed is a list of.
pub struct ListSpec {
    /// The address of the list's page, without `?page=`.
    pub path: String,
    /// `section`, `tag`, `author` or `archive`, for the templates.
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub filter: ArticleFilter,
    /// Whether the list has feeds of its own.
    pub feeds: bool,
    /// An author's profile, shown above their articles.
    pub profile: Option<Profile>,
}

/// An article page (links still root-relative), from what its handler or the static
/// export loaded; `view` is passed in so the export renders the Markdown once for
/// both editions.
pub fn article_page(
    theme: &Theme,
    config: &SiteConfig,
    article: &kolokol_core::Article,
    view: &ArticleView,
    related: &[kolokol_core::ArticleSummary],
    sections: &[kolokol_core::Section],
    versions: views::Versions,
) -> Result<String, ThemeError> {
    let mut meta = views::article_meta(config, article, view);
    meta.versions = versions;
    let related: Vec<Card> = related.iter().map(Card::new).collect();
    let site = SiteView::new(config, sections);
    theme.render(
        "article.html",
        context! { site, meta, article => view, related },
    )
}

/// The rendition a text-only page links to: the hero's smallest JPEG.
pub fn lite_picture(article: &kolokol_core::Article) -> Option<&kolokol_core::ImageVariant> {
    article
        .summary
        .hero
        .as_ref()?
        .variants
        .iter()
        .filter(|v| v.mime == "image/jpeg")
        .min_by_key(|v| v.width)
}

/// A text-only article page (links still root-relative); see
/// [`article_page`]. `picture_bytes` is the size of [`lite_picture`]'s file.
pub fn lite_article_page(
    theme: &Theme,
    config: &SiteConfig,
    picture_bytes: u64,
    article: &kolokol_core::Article,
    view: &ArticleView,
) -> Result<String, ThemeError> {
    // The smallest rendition, offered as a link with its weight.
    let picture = lite_picture(article).map(|smallest| {
        context! { url => urls::media(&smallest.path), kilobytes => picture_bytes.div_ceil(1024) }
    });
    let full_url = urls::article(article.summary.slug.as_str());
    let meta = Meta {
        title: article.summary.headline.clone(),
        canonical: urls::absolute(config.base(), &full_url),
        ..Meta::default()
    };
    let site = SiteView::new(config, &[]);
    theme.render(
        "lite/article.html",
        context! { site, meta, article => view, picture, full_url },
    )
}

/// A page of a list (links still root-relative), from what its handler or the
/// static export loaded.
pub fn list_page(
    theme: &Theme,
    config: &SiteConfig,
    spec: &ListSpec,
    page: PageNumber,
    list: &Paginated<ArticleSummary>,
    sections: &[kolokol_core::Section],
    versions: views::Versions,
) -> Result<String, ThemeError> {
    let key = urls::paged(&spec.path, page.get());
    let pager = Pager::new(&spec.path, list);
    let words = crate::i18n::Words::new(theme.catalogues(), &config.language);
    let meta = Meta {
        title: if page.get() > 1 {
            let page_of = words.t_with(
                "page-of",
                [
                    ("page", i64::from(pager.page).into()),
                    ("pages", i64::from(pager.total_pages).into()),
                ],
            );
            format!("{} — {page_of}", spec.title)
        } else {
            spec.title.clone()
        },
        description: spec.description.clone(),
        canonical: urls::absolute(config.base(), &key),
        og_type: "website",
        feeds: if spec.feeds {
            views::feed_links(&spec.title, &spec.path)
        } else {
            Vec::new()
        },
        prev: pager.prev.clone(),
        next: pager.next.clone(),
        versions,
        ..Meta::default()
    };
    let months = group_by_month(&words, config, list);
    let site = SiteView::new(config, sections);
    let cards: Vec<Card> = list.items.iter().map(Card::new).collect();
    theme.render(
        "list.html",
        context! {
            site, meta, pager, months,
            kind => spec.kind, heading => spec.title, description => spec.description,
            profile => spec.profile,
            articles => cards, total => list.total,
        },
    )
}

/// The archive groups its page by month ("November 2026"), in the newsroom's zone.
#[derive(Debug, Serialize)]
struct Month {
    label: String,
    articles: Vec<Card>,
}

fn group_by_month(
    words: &crate::i18n::Words,
    config: &SiteConfig,
    list: &Paginated<ArticleSummary>,
) -> Vec<Month> {
    let tz = config.tz();
    let mut months: BTreeMap<std::cmp::Reverse<String>, Month> = BTreeMap::new();
    for summary in &list.items {
        let local = summary.published_at.with_timezone(&tz);
        let key = local.format("%Y-%m").to_string();
        months
            .entry(std::cmp::Reverse(key))
            .or_insert_with(|| Month {
                label: words.month_year(&local),
                articles: Vec::new(),
            })
            .articles
            .push(Card::new(summary));
    }
    months.into_values().collect()
}
