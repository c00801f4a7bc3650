//! The public reading site: pages, feeds, sitemaps, assets and media.

mod crawl;
mod feeds;
mod pages;
pub mod views;

use axum::Router;
use axum::routing::get;
use kolokol_core::{PageNumber, Slug};

use crate::error::AppError;
use crate::state::AppState;

pub use pages::render_errors;

/// The reading site's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::front))
        .route("/articles/{slug}", get(pages::article))
        .route("/sections/{slug}", get(pages::section))
        .route("/tags/{slug}", get(pages::tag))
        .route("/authors/{slug}", get(pages::author))
        .route("/archive", get(pages::archive))
        .route("/support", get(pages::support))
        .route("/feed.xml", get(feeds::site_rss))
        .route("/atom.xml", get(feeds::site_atom))
        .route("/feed.json", get(feeds::site_json))
        .route("/{kind}/{slug}/{feed}", get(feeds::list_feed))
        .route("/sitemap.xml", get(crawl::sitemap))
        .route("/sitemaps/{file}", get(crawl::sitemap_part))
        .route("/news-sitemap.xml", get(crawl::news_sitemap))
        .route("/robots.txt", get(crawl::robots))
        .route("/assets/{*path}", get(pages::asset))
        .fallback(pages::not_found)
}

/// A slug from the address; anything that is not one cannot name a page.
fn slug_from_path(value: &str) -> Result<Slug, AppError> {
    Slug::parse(value).map_err(|_| AppError::NotFound)
}

/// The `page` parameter of a list address: absent means 1, garbage is a bad request.
fn page_from_query(query: Option<&str>) -> Result<PageNumber, AppError> {
    let Some(query) = query else {
        return Ok(PageNumber::FIRST);
    };
    let mut page = PageNumber::FIRST;
    for pair in query.split('&') {
        if let Some(value) = pair.strip_prefix("page=") {
            page = PageNumber::parse(value)
                .map_err(|e| AppError::BadRequest(format!("Sorry, {e}.")))?;
        }
    }
    Ok(page)
}
