//! For crawlers: sitemaps (split into numbered parts when the site is large), the
//! Google News sitemap of the last two days, and robots.txt.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, Utc};
use kolokol_core::{PageNumber, PageRequest};
use kolokol_render::sitemap::{self, NewsUrl, SitemapUrl, URLS_PER_SITEMAP};
use kolokol_render::urls;
use kolokol_store::ArticleFilter;

use crate::cache::CachedPage;
use crate::error::AppError;
use crate::state::AppState;

const XML: &str = "application/xml; charset=utf-8";
const CRAWL_CACHE_CONTROL: &str = "public, max-age=600, stale-if-error=86400";

/// An XML document for crawlers, cacheable for ten minutes.
fn xml(body: String) -> CachedPage {
    CachedPage::new(StatusCode::OK, XML, body, CRAWL_CACHE_CONTROL)
}

/// Every public URL of the site in every language, home and sections first, each
/// with its versions in the other languages.
async fn all_urls(state: &AppState) -> Result<Vec<SitemapUrl>, AppError> {
    let site = state.site_all();
    let languages = state.languages();
    let entries = state.store.sitemap_entries(Utc::now()).await?;
    let newest = entries.iter().map(|e| e.modified_at).max();
    let mut shared = vec![("/".to_owned(), newest), ("/archive".to_owned(), newest)];
    for section in state.store.sections().await? {
        shared.push((urls::section(section.slug.as_str()), None));
    }
    let mut urls = Vec::new();
    for (path, lastmod) in shared {
        let found: Vec<(String, String)> = languages
            .iter()
            .map(|l| (l.clone(), path.clone()))
            .collect();
        let alternates = super::alternates(&site, &found);
        for language in &languages {
            urls.push(SitemapUrl {
                loc: urls::absolute(site.base(), &format!("{}{path}", site.prefix(language))),
                lastmod,
                alternates: alternates.clone(),
            });
        }
    }
    // Translations are found by their group, among the published articles.
    let mut groups: std::collections::HashMap<i64, Vec<(String, String)>> =
        std::collections::HashMap::new();
    for entry in &entries {
        if let Some(group) = entry.translation_group {
            groups
                .entry(group)
                .or_default()
                .push((entry.language.clone(), urls::article(entry.slug.as_str())));
        }
    }
    for entry in entries {
        let path = urls::article(entry.slug.as_str());
        let alternates = entry
            .translation_group
            .and_then(|group| groups.get(&group))
            .map(|found| super::alternates(&site, found))
            .unwrap_or_default();
        urls.push(SitemapUrl {
            loc: urls::absolute(
                site.base(),
                &format!("{}{path}", site.prefix(&entry.language)),
            ),
            lastmod: Some(entry.modified_at),
            alternates,
        });
    }
    Ok(urls)
}

/// Crawlers' files live at the site's root only.
fn root_only(state: &AppState) -> Result<(), AppError> {
    match state.current_edition() {
        Some(_) => Err(AppError::NotFound),
        None => Ok(()),
    }
}

/// `sitemap.xml`: the URLs themselves, or an index of parts when there are too many.
pub async fn sitemap(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    state
        .page("/sitemap.xml".into(), &headers, || async {
            root_only(&state)?;
            let urls = all_urls(&state).await?;
            let body = sitemap::sitemap_or_index(&urls, state.site().base(), URLS_PER_SITEMAP);
            Ok(xml(body))
        })
        .await
}

/// `/sitemaps/{n}.xml`: one part of a large site's sitemap.
pub async fn sitemap_part(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let number: usize = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse().ok())
        .ok_or(AppError::NotFound)?;
    state
        .page(format!("/sitemaps/{number}.xml"), &headers, || async {
            // Counted before anything is listed: a part past the end (or any part
            // of a site small enough for one sitemap) is a 404 without reading
            // every article. Parts that exist are cached like pages.
            root_only(&state)?;
            let now = Utc::now();
            let articles = state
                .store
                .published_articles(
                    &ArticleFilter::default(),
                    PageRequest::new(PageNumber::FIRST, 1),
                    now,
                )
                .await?
                .total;
            let count = (2 + state.store.sections().await?.len()) * state.languages().len()
                + usize::try_from(articles).unwrap_or(usize::MAX);
            if number == 0 || count <= URLS_PER_SITEMAP || number > count.div_ceil(URLS_PER_SITEMAP)
            {
                return Err(AppError::NotFound);
            }
            let urls = all_urls(&state).await?;
            let body =
                sitemap::sitemap_part(&urls, number, URLS_PER_SITEMAP).ok_or(AppError::NotFound)?;
            Ok(xml(body))
        })
        .await
}

/// The Google News sitemap: articles of the last 48 hours, at most 1,000.
pub async fn news_sitemap(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    state
        .page("/news-sitemap.xml".into(), &headers, || async {
            root_only(&state)?;
            let now = Utc::now();
            let filter = ArticleFilter {
                published_since: Some(now - Duration::hours(48)),
                ..Default::default()
            };
            let list = state
                .store
                .published_articles(&filter, PageRequest::new(PageNumber::FIRST, 1000), now)
                .await?;
            let urls: Vec<NewsUrl> = list
                .items
                .iter()
                .map(|a| NewsUrl {
                    loc: urls::absolute(
                        state.site().base(),
                        &format!(
                            "{}{}",
                            state.site().prefix(&a.language),
                            urls::article(a.slug.as_str())
                        ),
                    ),
                    title: a.headline.clone(),
                    published: a.published_at,
                    language: a.language.clone(),
                })
                .collect();
            let body = sitemap::news(&state.site().publisher, &urls);
            Ok(xml(body))
        })
        .await
}

pub async fn robots(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    state
        .page("/robots.txt".into(), &headers, || async {
            root_only(&state)?;
            Ok(CachedPage::new(
                StatusCode::OK,
                "text/plain; charset=utf-8",
                sitemap::robots(state.site().base()),
                CRAWL_CACHE_CONTROL,
            ))
        })
        .await
}
