//! Full-text feeds for the whole site and for each section, tag and author.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use kolokol_core::{PageNumber, PageRequest};
use kolokol_render::feeds::{self, Feed, FeedItem};
use kolokol_render::{markdown, urls};
use kolokol_store::ArticleFilter;

use super::{ListKind, resolve_list};
use crate::cache::CachedPage;
use crate::error::AppError;
use crate::state::AppState;

/// How many articles a feed carries.
const FEED_LENGTH: u32 = 20;
const FEED_CACHE_CONTROL: &str = "public, max-age=300";

/// The paragraph every feed item ends with when the site has mirrors or an onion
/// address: a reader whose feed still arrives learns where the site still opens.
fn ways_around(words: &kolokol_render::i18n::Words, site: &kolokol_core::SiteConfig) -> String {
    let mut addresses: Vec<String> = site.mirrors.clone();
    if !site.onion.is_empty() {
        addresses.push(format!(
            "{} ({})",
            site.onion,
            words.t("in-tor-browser-short")
        ));
    }
    if addresses.is_empty() {
        return String::new();
    }
    let escape = kolokol_render::sitemap::xml_escape;
    let text = words.t_with(
        "feed-ways-around",
        [
            ("main", site.base().into()),
            ("addresses", addresses.join(", ").into()),
        ],
    );
    format!("<p><small>{}</small></p>", escape(&text))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    fn from_file(file: &str) -> Option<Self> {
        match file {
            "feed.xml" => Some(Self::Rss),
            "atom.xml" => Some(Self::Atom),
            "feed.json" => Some(Self::Json),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
            Self::Json => "application/feed+json; charset=utf-8",
        }
    }
}

pub async fn site_rss(state: State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    site_feed(state, headers, Format::Rss, "/feed.xml").await
}

pub async fn site_atom(state: State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    site_feed(state, headers, Format::Atom, "/atom.xml").await
}

pub async fn site_json(state: State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    site_feed(state, headers, Format::Json, "/feed.json").await
}

async fn site_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    format: Format,
    path: &str,
) -> Result<Response, AppError> {
    let title = state.site().title.clone();
    let description = state.site().tagline.clone();
    let filter = ArticleFilter {
        language: Some(state.language()),
        ..Default::default()
    };
    feed(
        state,
        headers,
        format,
        path.to_owned(),
        "/".into(),
        title,
        description,
        filter,
    )
    .await
}

/// `/sections/{slug}/feed.xml`, `/tags/{slug}/atom.xml`, `/authors/{slug}/feed.json`.
pub async fn list_feed(
    State(state): State<AppState>,
    Path((kind, slug, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let format = Format::from_file(&file).ok_or(AppError::NotFound)?;
    let list_kind = ListKind::from_path(&kind)?;
    let list = match resolve_list(&state, list_kind, &slug).await {
        Ok(list) => list,
        Err(AppError::NotFound) => return super::moved_list(&state, list_kind, &slug, &file).await,
        Err(other) => return Err(other),
    };
    let title = format!("{} — {}", list.title, state.site().title);
    let (home, description, filter) = (list.path, list.description, list.filter);
    let path = format!("/{kind}/{slug}/{file}");
    feed(
        state,
        headers,
        format,
        path,
        home,
        title,
        description,
        filter,
    )
    .await
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site per feed family; a struct would only rename them"
)]
async fn feed(
    state: AppState,
    headers: HeaderMap,
    format: Format,
    path: String,
    home: String,
    title: String,
    description: String,
    filter: ArticleFilter,
) -> Result<Response, AppError> {
    state
        .clone()
        .page(path.clone(), &headers, || async move {
            let now = Utc::now();
            let config = state.site();
            let base = config.base();
            let mut list = state.store.published_articles(&filter, PageRequest::new(PageNumber::FIRST, FEED_LENGTH), now).await?;
            super::Names::for_articles(&state).await?.apply(&mut list.items);
            let footer = ways_around(&state.words(), &config);
            let mut items = Vec::with_capacity(list.items.len());
            for summary in &list.items {
                let Some(mut article) = state.store.published_article(&summary.slug, now).await? else { continue };
                article.tags.iter_mut().for_each(|t| t.localize(&config.language));
                let mut html = String::new();
                if let Some(hero) = &summary.hero {
                    let view = kolokol_render::views::HeroView::new(hero);
                    html.push_str(&format!(
                        "<figure><img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\"><figcaption>{} {}</figcaption></figure>",
                        view.src,
                        view.width,
                        view.height,
                        kolokol_render::sitemap::xml_escape(&view.alt),
                        kolokol_render::sitemap::xml_escape(&view.caption),
                        kolokol_render::sitemap::xml_escape(&view.credit),
                    ));
                }
                html.push_str(&markdown::to_html(&article.body_markdown));
                items.push(FeedItem {
                    url: urls::absolute(base, &urls::article(summary.slug.as_str())),
                    title: summary.headline.clone(),
                    summary: summary.dek.clone(),
                    content_html: feeds::absolutize(&format!("{html}{footer}"), base),
                    published: summary.published_at,
                    updated: summary.updated_at.unwrap_or(summary.published_at),
                    authors: summary.authors.iter().map(|a| a.name.clone()).collect(),
                    categories: std::iter::once(summary.section.name.clone())
                        .chain(article.tags.iter().map(|t| t.name.clone()))
                        .collect(),
                    image: summary.hero.as_ref().map(|h| urls::absolute(base, &urls::media(&h.path))),
                });
            }
            let modified = list.items.iter().map(|a| a.modified_at).max();
            let feed = Feed {
                title,
                description,
                home_url: urls::absolute(base, &home),
                language: state.site().language.clone(),
                // An empty feed has never been updated; "now" would change the file on every export.
                updated: modified.unwrap_or(chrono::DateTime::UNIX_EPOCH),
                items,
            };
            let self_url = urls::absolute(base, &path);
            let body = match format {
                Format::Rss => feeds::rss(&feed, &self_url),
                Format::Atom => feeds::atom(&feed, &self_url),
                Format::Json => feeds::json_feed(&feed, &self_url),
            };
            Ok(CachedPage::new(StatusCode::OK, format.content_type(), body, FEED_CACHE_CONTROL))
        })
        .await
}
