//! Kolokol over HTTP: the router, its middleware and the server loop.
//!
//! Handlers are thin: they parse the address, ask the store, and render through the
//! theme; the page cache (see [`cache`]) answers repeated requests without either.

pub mod addresses;
pub mod admin;
pub mod cache;
pub mod error;
pub mod extract;
pub mod front;
pub mod gate;
mod ghost;
pub mod headers;
pub mod jobs;
mod lists;
pub mod metrics;
pub mod mirror;
pub mod newsletter;
pub mod outbox;
mod related;
pub mod revenue;
pub mod server;
pub mod services;
pub mod site;
pub mod state;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::routing::get;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::AppError;
pub use state::{AppParts, AppState};

/// How often each node checks for content changed elsewhere and theme edits.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(1);

/// The whole application as one router. What every answer carries (the security
/// headers, `Onion-Location`, metrics) is added by the [`front::FrontDoor`] that
/// [`serve`] puts before it.
pub fn router(state: AppState) -> Router {
    let files: Router = match state.media.folder_path() {
        // Files only: a folder is a 404, never a redirect (ServeDir's "add a slash"
        // redirect turned `/media///x` into `Location: //x/`, another host).
        Some(folder) => Router::new()
            .fallback_service(ServeDir::new(folder).append_index_html_on_directories(false)),
        None => Router::new()
            .route("/{*path}", get(media_object))
            .with_state(state.clone()),
    };
    let media = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=604800"),
        ))
        .service(files);
    let mut app = Router::new()
        .merge(admin::routes())
        .merge(site::routes())
        .merge(ghost::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readiness))
        .route("/metrics", get(metrics::endpoint))
        .nest_service("/media", media.clone());
    // Each language's edition of the reading site under its prefix (`/en/…`), for
    // every language the site or the theme has: the main language may change in
    // the settings, and a request to an edition the site does not offer now is
    // answered by the edition's gate.
    for (language, prefix) in state.edition_prefixes() {
        let edition = state.edition(&language, &prefix);
        let routes = site::routes()
            .nest_service("/media", media.clone())
            .layer(middleware::from_fn_with_state(
                edition.clone(),
                site::edition_gate,
            ))
            .with_state(edition);
        app = app.nest_service(&prefix, routes);
    }
    app.layer(middleware::from_fn_with_state(
        state.clone(),
        headers::check_address,
    ))
    .layer(middleware::from_fn_with_state(
        state.clone(),
        site::old_addresses,
    ))
    .layer(middleware::from_fn_with_state(
        state.clone(),
        site::render_errors,
    ))
    .with_state(state)
}

/// A media file from the bucket every node shares, with the bucket's `ETag`: a
/// reader who has it already gets 304 and no bytes (slow, metered connections).
async fn media_object(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(path): axum::extract::Path<String>,
    request: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.media.fetch(&path).await {
        Ok(Some(file)) => {
            let etag = file.etag.and_then(|tag| HeaderValue::from_str(&tag).ok());
            let mut response = match &etag {
                Some(tag) if cache::etag_matches(&request, tag) => {
                    axum::http::StatusCode::NOT_MODIFIED.into_response()
                }
                _ => {
                    let kind = mime_guess::from_path(&path).first_or_octet_stream();
                    (
                        [(header::CONTENT_TYPE, kind.essence_str().to_owned())],
                        file.bytes,
                    )
                        .into_response()
                }
            };
            if let Some(tag) = etag {
                response.headers_mut().insert(header::ETAG, tag);
            }
            response
        }
        Ok(None) => axum::http::StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(path, error = %e, "cannot read a media file from the store");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "10")],
                "the picture cannot be read just now\n",
            )
                .into_response()
        }
    }
}

/// Ready when the database answers and the media folder's disk has room: a node
/// whose disk is filling up says so here before uploads and saves start failing.
async fn readiness(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    state.store.content_version().await?;
    let free = fs4::available_space(&state.media_dir)
        .map_err(|e| AppError::Internal(format!("cannot read the disk's free space: {e}")))?;
    if state.gate.overloaded() {
        let message = format!(
            "not ready: overloaded, pages were refused in the last seconds ({} of [server] concurrent_renders rendering)\n",
            state.gate.running()
        );
        return Ok((axum::http::StatusCode::SERVICE_UNAVAILABLE, message).into_response());
    }
    if free < state.min_free_disk {
        let megabytes = |bytes: u64| bytes / state::MEGABYTE;
        let message = format!(
            "not ready: {} MB free on the disk of {} (at least {} MB wanted, [server] min_free_disk_mb)\n",
            megabytes(free),
            state.media_dir.display(),
            megabytes(state.min_free_disk)
        );
        return Ok((axum::http::StatusCode::SERVICE_UNAVAILABLE, message).into_response());
    }
    Ok("ready".into_response())
}

/// Serves until `shutdown` resolves, then finishes the requests in flight, with the
/// connection limits of `limits` (see [`server`]).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    limits: &kolokol_core::config::ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let watcher = state.spawn_watcher(REFRESH_INTERVAL);
    let jobs = state.spawn_job_runner();
    let search = state.spawn_search_worker();
    state.mark_lists();
    let app = router(state.clone()).layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        Duration::from_secs(limits.body_timeout_secs),
    ));
    let hsts = strict_transport_security(&state.site().base_url, limits.hsts_max_age);
    let door = front::FrontDoor::new(state.clone(), hsts, app);
    let result = server::run(listener, move |peer| door.for_peer(peer), limits, shutdown).await;
    watcher.abort();
    jobs.abort();
    search.abort();
    result
}

/// The `Strict-Transport-Security` header for a site whose main address is https
/// (browsers ignore it over plain http, where mirrors and the onion address live).
fn strict_transport_security(base_url: &str, max_age: u64) -> Option<HeaderValue> {
    (base_url.starts_with("https://") && max_age > 0)
        .then(|| HeaderValue::from_str(&format!("max-age={max_age}")).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_only_for_an_https_site() {
        assert_eq!(
            strict_transport_security("https://bell.example", 31_536_000),
            Some(HeaderValue::from_static("max-age=31536000"))
        );
        assert_eq!(
            strict_transport_security("http://bell.example", 31_536_000),
            None
        );
        assert_eq!(strict_transport_security("https://bell.example", 0), None);
    }
}
