//! The low-bandwidth edition under `/lite`: text first, no scripts, no pictures unless
//! asked for, one 1 KB stylesheet. An article page weighs a few kilobytes.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use kolokol_core::PageRequest;
use kolokol_render::urls;
use kolokol_store::ArticleFilter;
use minijinja::context;

use super::pages::html_page;
use super::{page_from_query, slug_from_path};
use crate::error::AppError;
use crate::state::AppState;
use kolokol_render::views::{ArticleView, Card, Meta, Pager, SiteView};

/// Headlines per page of the lite front page.
const LITE_PER_PAGE: u32 = 30;

pub async fn front(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let page = page_from_query(query.as_deref())?;
    state
        .page(urls::paged("/lite", page.get()), &headers, || async {
            let config = state.site();
            let mut list = state
                .published_page(
                    &ArticleFilter {
                        language: Some(state.language()),
                        ..Default::default()
                    },
                    PageRequest::new(page, LITE_PER_PAGE),
                    Utc::now(),
                )
                .await?;
            if list.is_past_the_end() {
                return Err(AppError::NotFound);
            }
            super::Names::for_articles(&state)
                .await?
                .apply(&mut list.items);
            let pager = Pager::new("/lite", &list);
            let articles: Vec<Card> = list.items.iter().map(Card::new).collect();
            let site = SiteView::new(&config, &[]);
            let meta = Meta {
                title: config.title.clone(),
                canonical: urls::absolute(config.base(), "/"),
                ..Meta::default()
            };
            html_page(
                &state,
                "lite/front.html",
                context! { site, meta, articles, pager, full_url => "/" },
            )
        })
        .await
}

pub async fn article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let slug = slug_from_path(&slug)?;
    state
        .page(
            format!("/lite{}", urls::article(slug.as_str())),
            &headers,
            || async {
                let mut article = state
                    .store
                    .published_article(&slug, Utc::now())
                    .await?
                    .ok_or(AppError::NotFound)?;
                super::in_this_edition(
                    &state,
                    &article.summary.language,
                    &format!("/lite{}", urls::article(slug.as_str())),
                )?;
                super::Names::for_articles(&state)
                    .await?
                    .apply(std::iter::once(&mut article.summary));
                let view = ArticleView::new(&article);
                let picture_bytes = match kolokol_render::pages::lite_picture(&article) {
                    Some(picture) => state.media.size(&picture.path).await.unwrap_or(0),
                    None => 0,
                };
                let body = kolokol_render::pages::lite_article_page(
                    &state.theme,
                    &state.site(),
                    picture_bytes,
                    &article,
                    &view,
                )?;
                Ok(super::pages::cached_html(body))
            },
        )
        .await
}
