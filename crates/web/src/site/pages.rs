//! HTML pages: front page, articles, section/tag/author lists, the archive, the
//! support page, theme assets and the themed error pages.

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kolokol_core::{ArticleSummary, PageNumber, PageRequest};
use kolokol_render::urls;
use kolokol_store::{ArticleFilter, Texts};
use minijinja::context;
use serde::Serialize;

use super::{ListKind, ListSpec, page_from_query, resolve_list, slug_from_path};
use crate::cache::CachedPage;
use crate::error::{AppError, ErrorPage};
use crate::state::AppState;
use kolokol_render::views::{self, ArticleView, Card, Link, Meta, SiteView};

pub(super) const HTML: &str = "text/html; charset=utf-8";
/// Browsers revalidate pages on every visit (a 304 costs almost nothing with the ETag),
/// so a correction or a newly published story is seen at once, not a minute later. A
/// cache in front (a CDN, a mirror's proxy) may go on serving its last copy for a day
/// while this server answers errors or cannot be reached (`stale-if-error`, RFC 5861).
pub(super) const PAGE_CACHE_CONTROL: &str = "public, no-cache, stale-if-error=86400";

/// Renders a template into a cacheable page.
pub(super) fn html_page(
    state: &AppState,
    template: &str,
    context: minijinja::Value,
) -> Result<CachedPage, AppError> {
    let body = state.theme.render(template, context)?;
    Ok(cached_html(body))
}

/// A rendered HTML page as the page cache keeps it.
pub(super) fn cached_html(body: String) -> CachedPage {
    CachedPage::new(StatusCode::OK, HTML, body, PAGE_CACHE_CONTROL)
}

/// A page that is never kept in the page cache: it answers a form, carries a reader's
/// token or shows a live figure. Links are made relative to `path` as for cached pages,
/// so it works under any prefix too.
pub(super) async fn uncached_page(
    state: &AppState,
    status: StatusCode,
    path: &str,
    template: &str,
    meta: Meta,
    context: minijinja::Value,
    cache_control: &'static str,
) -> Result<Response, AppError> {
    let config = state.site();
    let sections = super::sections(state).await?;
    let site = SiteView::new(&config, &sections);
    let body = state
        .theme
        .render(template, context! { site, meta, ..context })?;
    let body = kolokol_render::links::relativize_for_page(&body, path);
    Ok((
        status,
        [
            (header::CONTENT_TYPE, HTML),
            (header::CACHE_CONTROL, cache_control),
        ],
        body,
    )
        .into_response())
}

pub async fn front(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    state
        .page("/".into(), &headers, || async {
            let now = Utc::now();
            let names = super::Names::read(&state).await?;
            let sections = &names.sections;
            let language = state.language();
            let in_language = ArticleFilter {
                language: Some(language.clone()),
                ..Default::default()
            };
            // The editors' pins first (those published by now, in this edition's
            // language), then the newest.
            let picks = state.store.front_page_picks(now).await?;
            let pinned_ids: Vec<_> = picks.iter().map(|p| p.article_id).collect();
            let mut pinned = state.store.published_summaries(&pinned_ids, now).await?;
            pinned.retain(|s| s.language == language);
            names.apply(&mut pinned);
            let pinned_in = |slot: kolokol_core::PinSlot| -> Vec<&ArticleSummary> {
                picks
                    .iter()
                    .filter(|p| p.slot == slot)
                    .filter_map(|p| pinned.iter().find(|s| s.id == p.article_id))
                    .collect()
            };
            let pinned_lead = pinned_in(kolokol_core::PinSlot::Lead).into_iter().next();
            let featured = pinned_in(kolokol_core::PinSlot::Featured);
            let shown = pinned.len();
            let mut latest = state
                .store
                .published_articles(
                    &in_language,
                    PageRequest::new(PageNumber::FIRST, 13 + u32::try_from(shown).unwrap_or(0)),
                    now,
                )
                .await?;
            names.apply(&mut latest.items);
            let mut blocks = Vec::new();
            for section in sections {
                let filter = ArticleFilter {
                    section_id: Some(section.id),
                    ..in_language.clone()
                };
                let mut list = state
                    .store
                    .published_articles(&filter, PageRequest::new(PageNumber::FIRST, 4), now)
                    .await?;
                names.apply(&mut list.items);
                if !list.items.is_empty() {
                    blocks.push(SectionBlock {
                        section: Link {
                            name: section.name.clone(),
                            url: urls::section(section.slug.as_str()),
                        },
                        articles: list.items.iter().map(Card::new).collect(),
                    });
                }
            }
            let lead_summary = pinned_lead.or_else(|| latest.items.first());
            let lead = lead_summary.map(Card::new);
            let featured_cards: Vec<Card> = featured.iter().copied().map(Card::new).collect();
            let taken: Vec<_> = lead_summary
                .iter()
                .map(|s| s.id)
                .chain(featured.iter().map(|s| s.id))
                .collect();
            let latest_cards: Vec<Card> = latest
                .items
                .iter()
                .filter(|s| !taken.contains(&s.id))
                .take(12)
                .map(Card::new)
                .collect();
            let config = state.site();
            let site = SiteView::new(&config, sections);
            let meta = Meta {
                title: state.site().title.clone(),
                description: state.site().tagline.clone(),
                canonical: urls::absolute(state.site().base(), "/"),
                og_type: "website",
                feeds: views::feed_links(&state.site().title, ""),
                versions: super::versions_everywhere(&state, "/"),
                ..Meta::default()
            };
            html_page(
                &state,
                "front.html",
                context! { site, meta, lead, featured => featured_cards, latest => latest_cards, blocks },
            )
        })
        .await
}

/// An article's versions: itself and its published translations.
async fn article_versions(
    state: &AppState,
    summary: &ArticleSummary,
    now: chrono::DateTime<Utc>,
) -> Result<views::Versions, AppError> {
    let path = urls::article(summary.slug.as_str());
    let found: Vec<(String, String)> = match summary.translation_group {
        Some(_) => {
            kolokol_operations::translations::of(&state.store, Texts::Articles, summary.id.0, now)
                .await?
                .into_iter()
                .filter(|t| t.live)
                .map(|t| (t.language, urls::article(t.slug.as_str())))
                .collect()
        }
        None => vec![(summary.language.clone(), path.clone())],
    };
    Ok(super::versions(state, &path, &found))
}

#[derive(Debug, Serialize)]
struct SectionBlock {
    section: Link,
    articles: Vec<Card>,
}

/// How many related articles an article page shows.
pub const RELATED: u32 = 3;

pub async fn article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let slug = slug_from_path(&slug)?;
    let page = state
        .page(urls::article(slug.as_str()), &headers, || async {
            let now = Utc::now();
            // "Read more" is read with the article when its candidates are kept
            // (only the summaries not kept).
            let read_more = crate::related::ReadMore::default();
            let (mut article, related) = state
                .store
                .published_article_with(&slug, now, &|article| {
                    read_more.pick(&state, article, RELATED)
                })
                .await?
                .ok_or(AppError::NotFound)?;
            super::in_this_edition(
                &state,
                &article.summary.language,
                &urls::article(slug.as_str()),
            )?;
            let mut related = match related {
                Some(read) => read_more.complete(&state, read),
                None => state.related_articles(&article, RELATED, now).await?,
            };
            let language = state.language();
            article.tags.iter_mut().for_each(|t| t.localize(&language));
            let names = super::Names::read(&state).await?;
            names.apply(std::iter::once(&mut article.summary).chain(&mut related));
            let sections = names.sections;
            let versions = article_versions(&state, &article.summary, now).await?;
            let view = ArticleView::new(&article);
            let body = kolokol_render::pages::article_page(
                &state.theme,
                &state.site(),
                &article,
                &view,
                &related,
                &sections,
                versions,
            )?;
            Ok(cached_html(body))
        })
        .await;
    match page {
        // An article whose slug changed answers at its old address with a permanent redirect.
        Err(AppError::NotFound) => match state.store.redirect_for(&slug).await? {
            Some(current) => Ok((
                StatusCode::MOVED_PERMANENTLY,
                // Relative, so it also works behind a path prefix: both live in /articles/.
                [(header::LOCATION, current.as_str().to_owned())],
            )
                .into_response()),
            None => Err(AppError::NotFound),
        },
        other => other,
    }
}

async fn list_page(
    state: AppState,
    spec: ListSpec,
    page: PageNumber,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let key = urls::paged(&spec.path, page.get());
    state
        .page(key.clone(), headers, || async {
            let now = Utc::now();
            let per_page = state.site().articles_per_page;
            let mut list = state
                .published_page(&spec.filter, PageRequest::new(page, per_page), now)
                .await?;
            if list.is_past_the_end() {
                return Err(AppError::NotFound);
            }
            let names = super::Names::read(&state).await?;
            names.apply(&mut list.items);
            let sections = names.sections;
            let versions = super::list_versions(&state, &spec.path, page.get());
            let body = kolokol_render::pages::list_page(
                &state.theme,
                &state.site(),
                &spec,
                page,
                &list,
                &sections,
                versions,
            )?;
            Ok(cached_html(body))
        })
        .await
}

/// `/sections/{slug}`, `/tags/{slug}`, `/authors/{slug}`.
pub async fn list(
    State(state): State<AppState>,
    Path((kind, slug)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let kind = ListKind::from_path(&kind)?;
    let page = page_from_query(query.as_deref())?;
    match resolve_list(&state, kind, &slug).await {
        Ok(spec) => list_page(state, spec, page, &headers).await,
        Err(AppError::NotFound) => super::moved_list(&state, kind, &slug, "").await,
        Err(other) => Err(other),
    }
}

pub async fn archive(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let page = page_from_query(query.as_deref())?;
    let spec = super::archive_spec(&state);
    list_page(state, spec, page, &headers).await
}

/// `/privacy`: what the site keeps about readers, supporters and subscribers.
pub async fn privacy(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    state
        .page("/privacy".into(), &headers, || async {
            let sections = super::sections(&state).await?;
            let config = state.site();
            let site = SiteView::new(&config, &sections);
            let words = state.words();
            let meta = Meta {
                title: words.t("privacy-title"),
                description: words.t_with(
                    "privacy-description",
                    [("site", config.title.as_str().into())],
                ),
                canonical: urls::absolute(config.base(), "/privacy"),
                og_type: "website",
                versions: super::versions_everywhere(&state, "/privacy"),
                ..Meta::default()
            };
            html_page(
                &state,
                "privacy.html",
                context! { site, meta, version => config.newsletter.policy_version.clone() },
            )
        })
        .await
}

/// `/pages/{slug}`: a standing page (About, Contacts, a policy) the newsroom wrote.
pub async fn standing(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let slug = super::slug_from_path(&slug)?;
    let path = urls::page(slug.as_str());
    state
        .page(path.clone(), &headers, || async {
            let page = state
                .store
                .published_page(&slug)
                .await?
                .ok_or(AppError::NotFound)?;
            super::in_this_edition(&state, &page.draft.language, &path)?;
            let translations = kolokol_operations::translations::of(
                &state.store,
                Texts::Pages,
                page.id,
                Utc::now(),
            )
            .await?;
            let found: Vec<(String, String)> = translations
                .into_iter()
                .filter(|t| t.live)
                .map(|t| (t.language, urls::page(t.slug.as_str())))
                .collect();
            let versions = super::versions(&state, &path, &found);
            let sections = super::sections(&state).await?;
            let config = state.site();
            let site = SiteView::new(&config, &sections);
            let meta = Meta {
                title: page.draft.title.clone(),
                description: kolokol_render::markdown::to_plain_text(&page.draft.body_markdown)
                    .chars()
                    .take(200)
                    .collect(),
                canonical: urls::absolute(config.base(), &path),
                og_type: "website",
                versions,
                ..Meta::default()
            };
            html_page(
                &state,
                "page.html",
                context! { site, meta, ..kolokol_render::views::standing_page(&page) },
            )
        })
        .await
}

/// Theme assets (`/assets/site.css`), cached and compressed like pages.
pub async fn asset(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    state
        .page(format!("asset:{path}"), &headers, || async {
            let bytes = state.theme.asset(&path).ok_or(AppError::NotFound)?;
            let content_type = match path.rsplit_once('.').map(|(_, ext)| ext) {
                Some("css") => "text/css; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                Some("ico") => "image/x-icon",
                Some("woff2") => "font/woff2",
                Some("txt") => "text/plain; charset=utf-8",
                _ => "application/octet-stream",
            };
            Ok(CachedPage::new(
                StatusCode::OK,
                content_type,
                bytes.into_owned(),
                "public, max-age=3600",
            ))
        })
        .await
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Turns error responses into themed pages with navigation and a way onwards.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (state, path) = state.for_path(request.uri().path());
    let response = next.run(request).await;
    let error = match response.extensions().get::<ErrorPage>() {
        Some(error) => error.clone(),
        // The framework's own refusals (undecodable paths, wrong methods) and missing
        // media files get the themed page too, with a message of ours.
        // Pages that are already HTML (the admin's forms with their messages) stay as they are.
        // JSON answers (the Ghost APIs' errors) stay JSON.
        None if response.status().is_client_error()
            && !response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|t| {
                    t.as_bytes().starts_with(b"text/html")
                        || t.as_bytes().starts_with(b"application/json")
                }) =>
        {
            ErrorPage {
                status: response.status(),
                message: String::new(),
                said: Some(kolokol_core::Message::new(match response.status() {
                    StatusCode::NOT_FOUND => "error-not-found",
                    StatusCode::METHOD_NOT_ALLOWED => "error-read-only",
                    _ => "error-not-understood",
                })),
            }
        }
        None => return response,
    };
    match kept_error_page(&state, &error).await {
        Ok(body) => {
            let body = kolokol_render::links::relativize_for_page(&body, &path);
            let mut themed = (error.status, [(header::CONTENT_TYPE, HTML)], body).into_response();
            for name in [header::ALLOW, header::RETRY_AFTER] {
                if let Some(value) = response.headers().get(&name) {
                    themed.headers_mut().insert(name, value.clone());
                }
            }
            themed.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            themed
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot render the error page");
            response
        }
    }
}

/// The themed error page. Those a flood produces (not found, too many, busy: one
/// text each, whatever the address) are rendered once per edition and content
/// version and kept with the pages, so answering a flood of random addresses or
/// shedding load costs no database work beyond the request's own.
async fn kept_error_page(state: &AppState, error: &ErrorPage) -> Result<String, AppError> {
    let keep = matches!(
        error.status,
        StatusCode::NOT_FOUND | StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    ) && error.said.as_ref().is_some_and(|said| said.args.is_empty());
    if !keep {
        return error_page(state, error).await;
    }
    let key = format!(
        "error page {} {} {}",
        state.prefix(),
        error.status.as_u16(),
        error.said.as_ref().map_or("", |said| said.key)
    );
    if let Some(page) = state.cache.get(&key) {
        return Ok(String::from_utf8_lossy(&page.identity).into_owned());
    }
    let version = state.cache.version();
    let body = error_page(state, error).await?;
    let page = CachedPage::new(error.status, HTML, body.clone(), "no-store");
    state.cache.insert(key, std::sync::Arc::new(page), version);
    Ok(body)
}

async fn error_page(state: &AppState, error: &ErrorPage) -> Result<String, AppError> {
    let sections = super::sections(state).await.unwrap_or_default();
    let latest = if error.status == StatusCode::NOT_FOUND {
        // The five newest, without counting the archive (a 404 is never cached, and
        // counting 100,000 articles costs a tenth of a second).
        state
            .store
            .published_articles_after(
                &ArticleFilter {
                    language: Some(state.language()),
                    ..Default::default()
                },
                None,
                5,
                Utc::now(),
            )
            .await
            .map(|items| items.iter().map(Card::new).collect::<Vec<_>>())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let words = state.words();
    let title = words.t(match error.status {
        StatusCode::NOT_FOUND => "error-title-not-found",
        StatusCode::BAD_REQUEST => "error-title-bad-request",
        StatusCode::URI_TOO_LONG => "error-title-too-long",
        StatusCode::METHOD_NOT_ALLOWED => "error-title-read-only",
        StatusCode::FORBIDDEN => "error-title-forbidden",
        StatusCode::TOO_MANY_REQUESTS => "error-title-too-many",
        _ => "error-title-ours",
    });
    let message = error
        .said
        .as_ref()
        .map_or_else(|| error.message.clone(), |said| words.say(said));
    let config = state.site();
    let site = SiteView::new(&config, &sections);
    let meta = Meta {
        title: title.clone(),
        og_type: "website",
        ..Meta::default()
    };
    Ok(state.theme.render(
        "error.html",
        context! { site, meta, status => error.status.as_u16(), heading => title, message, latest },
    )?)
}
