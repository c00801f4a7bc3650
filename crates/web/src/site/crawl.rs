//! For crawlers: sitemaps (split into numbered parts when the site is large), the
//! Google News sitemap of the last two days, and robots.txt.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
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

/// The paths every sitemap starts with, each in every language: home and the
/// archive (dated by the latest change), then the sections.
async fn lead_paths(state: &AppState) -> Result<Vec<String>, AppError> {
    let mut paths = vec!["/".to_owned(), "/archive".to_owned()];
    for section in &state.stored_names().await?.sections {
        paths.push(urls::section(section.slug.as_str()));
    }
    Ok(paths)
}

/// How many of the lead paths carry the latest change as their date.
const DATED_LEAD_PATHS: usize = 2;

/// Where the sitemap's URLs stand: the lead paths in every language, then every
/// published article, cut into files of [`URLS_PER_SITEMAP`].
pub(crate) struct Layout {
    paths: Vec<String>,
    languages: Vec<String>,
    parts: Vec<kolokol_store::SitemapPart>,
}

impl Layout {
    /// Read once per content version: the index and every part need it.
    async fn of(state: &AppState) -> Result<std::sync::Arc<Self>, AppError> {
        state
            .kept_for_version(&state.sitemap, || Self::read(state))
            .await
    }

    async fn read(state: &AppState) -> Result<Self, AppError> {
        let paths = lead_paths(state).await?;
        let languages = state.languages();
        let lead = (paths.len() * languages.len()) as u64;
        let parts = state
            .store
            .sitemap_parts(Utc::now(), lead, URLS_PER_SITEMAP as u64)
            .await?;
        Ok(Self {
            paths,
            languages,
            parts,
        })
    }

    fn lead(&self) -> usize {
        self.paths.len() * self.languages.len()
    }

    fn total(&self) -> usize {
        let articles: u64 = self.parts.iter().map(|p| p.articles).sum();
        self.lead() + usize::try_from(articles).unwrap_or(usize::MAX)
    }

    fn files(&self) -> usize {
        self.total().div_ceil(URLS_PER_SITEMAP)
    }

    fn latest(&self) -> Option<DateTime<Utc>> {
        self.parts.iter().map(|p| p.latest).max()
    }

    /// The latest change among the URLs of file `index` (from 0).
    fn file_latest(&self, index: usize) -> Option<DateTime<Utc>> {
        let own = self
            .parts
            .iter()
            .find(|p| p.number == index as u64)
            .map(|p| p.latest);
        let dated_lead = index * URLS_PER_SITEMAP < DATED_LEAD_PATHS * self.languages.len();
        own.max(if dated_lead { self.latest() } else { None })
    }

    /// The URLs of file `index` (from 0), each with its versions in the other
    /// languages: only that file's articles are read, and the translations they name.
    async fn urls(&self, state: &AppState, index: usize) -> Result<Vec<SitemapUrl>, AppError> {
        let site = state.site_all();
        let start = index * URLS_PER_SITEMAP;
        let end = (start + URLS_PER_SITEMAP).min(self.total());
        let lead = self.lead();
        let mut urls = Vec::with_capacity(end.saturating_sub(start));
        let languages = self.languages.len();
        for (n, path) in self.paths.iter().enumerate() {
            let first = n * languages;
            if first + languages <= start || first >= end {
                continue;
            }
            let found: Vec<(String, String)> = self
                .languages
                .iter()
                .map(|l| (l.clone(), path.clone()))
                .collect();
            let alternates = super::alternates(&site, &found);
            let lastmod = if n < DATED_LEAD_PATHS {
                self.latest()
            } else {
                None
            };
            for (k, language) in self.languages.iter().enumerate() {
                if (start..end).contains(&(first + k)) {
                    urls.push(SitemapUrl {
                        loc: urls::absolute(
                            site.base(),
                            &format!("{}{path}", site.prefix(language)),
                        ),
                        lastmod,
                        alternates: alternates.clone(),
                    });
                }
            }
        }
        if end <= lead {
            return Ok(urls);
        }
        let skip = start.saturating_sub(lead);
        let now = Utc::now();
        let entries = state
            .store
            .sitemap_slice(now, skip as u64, (end - start.max(lead)) as u64)
            .await?;
        // Translations are found by their group, among the published articles.
        let mut wanted: Vec<i64> = entries.iter().filter_map(|e| e.translation_group).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut groups: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for (group, language, slug) in state.store.translation_members(&wanted, now).await? {
            groups
                .entry(group)
                .or_default()
                .push((language, urls::article(slug.as_str())));
        }
        for found in groups.values_mut() {
            found.sort();
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
            let layout = Layout::of(&state).await?;
            if layout.files() <= 1 {
                return Ok(xml(sitemap::urlset(&layout.urls(&state, 0).await?)));
            }
            let base = state.site().base().trim_end_matches('/').to_owned();
            let files: Vec<SitemapUrl> = (0..layout.files())
                .map(|index| SitemapUrl {
                    loc: format!("{base}/sitemaps/{}.xml", index + 1),
                    lastmod: layout.file_latest(index),
                    alternates: Vec::new(),
                })
                .collect();
            Ok(xml(sitemap::index(&files)))
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
            // A part past the end (or any part of a site small enough for one
            // sitemap) is a 404; a part that exists reads its own articles only.
            root_only(&state)?;
            let layout = Layout::of(&state).await?;
            if number == 0 || layout.files() <= 1 || number > layout.files() {
                return Err(AppError::NotFound);
            }
            Ok(xml(sitemap::urlset(
                &layout.urls(&state, number - 1).await?,
            )))
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
