//! The addresses of the site a newsroom moved from (WordPress's `/?p=12` and dated
//! paths, Ghost's `/slug/`, their category, tag and author pages and pictures),
//! answered with a permanent redirect to what the import made of them, so links and
//! search results from before the move keep working.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kolokol_render::urls;

use crate::state::AppState;

/// The query parameters WordPress addresses its posts, pages and lists by.
const OLD_QUERIES: [&str; 5] = ["p", "page_id", "cat", "tag", "author"];

/// Sends a request the site has no page for to the new address of what the old
/// site showed there, when an import recorded one.
pub async fn redirect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let path = request.uri().path();
    // `/?p=12` reaches the front page, which would answer it: look first.
    let query_address = match (path, request.uri().query()) {
        ("/", Some(query)) => form_urlencoded::parse(query.as_bytes())
            .find(|(key, value)| OLD_QUERIES.contains(&key.as_ref()) && !value.is_empty())
            .map(|(key, value)| format!("/?{key}={value}")),
        _ => None,
    };
    if let Some(address) = query_address {
        if let Some(to) = new_address(&state, &address).await {
            return moved(&to);
        }
        return next.run(request).await;
    }
    if path.starts_with("/admin") {
        return next.run(request).await;
    }
    // Only a page that is not found costs a look (the path is decoded then).
    let uri = request.uri().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    match new_address(&state, &kolokol_import::normal_path(uri.path())).await {
        Some(to) => moved(&to),
        None => response,
    }
}

async fn new_address(state: &AppState, address: &str) -> Option<String> {
    let found = match state.store.old_address(address).await {
        Ok(found) => found?,
        Err(e) => {
            tracing::warn!(error = %e, "old addresses could not be read");
            return None;
        }
    };
    let path = match found.kind.as_str() {
        "article" => urls::article(&found.slug),
        "page" => urls::page(&found.slug),
        "section" => urls::section(&found.slug),
        "tag" => urls::tag(&found.slug),
        "author" => urls::author(&found.slug),
        "image" => return Some(urls::media(&found.slug)),
        _ => return None,
    };
    let prefix = if found.language.is_empty() {
        String::new()
    } else {
        state.site_all().prefix(&found.language).to_owned()
    };
    Some(format!("{prefix}{path}"))
}

fn moved(to: &str) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, to.to_owned())],
    )
        .into_response()
}
